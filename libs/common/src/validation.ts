import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, Problems } from './problem';

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push({ field, message: message.replace(/^property (\S+) should not exist$/, 'unknown field') });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** Deeper than any body of the api: JSON nested further is refused before it is transformed. */
export const MAX_INPUT_DEPTH = 16;

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormed = (text: string) => !UNPAIRED_SURROGATE.test(text);

/** Keys that would reach an object's prototype instead of a field. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Text PostgreSQL cannot store as sent, and shapes no DTO has, found anywhere in a body, a query or a
 * path parameter: the NUL character (refused by `text` columns), unpaired UTF-16 surrogates (would
 * be stored as U+FFFD), prototype keys, and nesting deeper than MAX_INPUT_DEPTH. Walks iteratively,
 * so a hostile nesting depth costs no stack.
 */
export function findUnsafeInput(value: unknown, root: string): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: root, depth: 0 }];
  while (stack.length > 0 && errors.length < 20) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      const field = item.path || 'body';
      if (item.value.includes('\u0000')) {
        errors.push({ field, message: `${field} must not contain the NUL character` });
      } else if (!isWellFormed(item.value)) {
        errors.push({ field, message: `${field} must be well-formed Unicode text` });
      }
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= MAX_INPUT_DEPTH) {
      errors.push({ field: item.path || 'body', message: `${item.path || 'body'} is nested too deeply` });
      continue;
    }
    const entries = Array.isArray(item.value)
      ? item.value.map((v, i) => [`${item.path}[${i}]`, v] as const)
      : Object.keys(item.value).map((key) => {
          const path = item.path ? `${item.path}.${key}` : key;
          return [path, (item.value as Record<string, unknown>)[key], key] as const;
        });
    for (const [path, child, key] of entries as Array<readonly [string, unknown, string?]>) {
      if (key !== undefined && FORBIDDEN_KEYS.has(key)) {
        errors.push({ field: path, message: 'unknown field' });
        continue;
      }
      if (key !== undefined && (key.includes('\u0000') || !isWellFormed(key))) {
        errors.push({ field: item.path || 'body', message: 'field names must be well-formed text' });
        continue;
      }
      stack.push({ value: child, path, depth: item.depth + 1 });
    }
  }
  return errors;
}

/**
 * Whitelisting, unknown fields rejected, payloads transformed to DTO instances; errors as problem
 * details. Unsafe text and shapes (findUnsafeInput) are refused first, whatever the parameter's type.
 */
class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const root = metadata.type === 'body' ? '' : (metadata.data ?? '');
      const errors = findUnsafeInput(value, root);
      if (errors.length > 0) throw Problems.validation(errors);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => Problems.validation(flattenValidationErrors(errors)),
  });
}
