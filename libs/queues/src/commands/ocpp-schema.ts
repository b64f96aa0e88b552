import type { OcppVersion } from './command-actions';

interface StrictValidator {
  subprotocol: string;
  validate(schemaId: string, params: unknown): boolean;
}

// ocpp-rpc's own strict-mode validators (the official JSON schemas): the same check the CALL passes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const VALIDATORS = require('ocpp-rpc/lib/standard-validators') as StrictValidator[];

/** Null when `payload` is a valid `ocppAction` request of `version`, else the schema's complaint. */
export function ocppSchemaError(version: OcppVersion, ocppAction: string, payload: unknown): string | null {
  const validator = VALIDATORS.find((v) => v.subprotocol === `ocpp${version}`);
  if (!validator) return `No schema for OCPP ${version}`;
  try {
    validator.validate(`urn:${ocppAction}.req`, payload);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
