import { MAX_INPUT_DEPTH, createValidationPipe, findUnsafeInput } from './validation';
import { ProblemException } from './problem';

describe('findUnsafeInput', () => {
  it('names fields holding the NUL character or unpaired surrogates, anywhere in the body', () => {
    expect(
      findUnsafeInput({ name: 'a\u0000b', nested: { list: ['ok', 'x\ud800y'] }, fine: '🔌 שלום' }, ''),
    ).toEqual([
      { field: 'nested.list[1]', message: 'nested.list[1] must be well-formed Unicode text' },
      { field: 'name', message: 'name must not contain the NUL character' },
    ]);
  });

  it('accepts emoji, right-to-left text and combining marks', () => {
    expect(findUnsafeInput({ a: '👩🏽‍🔧', b: 'عليكم', c: 'Z̤͔ͧ̑̓' }, '')).toEqual([]);
  });

  it('refuses prototype keys and nesting deeper than the limit, without recursion', () => {
    const body = JSON.parse('{"__proto__": {"admin": true}, "ok": 1}');
    expect(findUnsafeInput(body, '')).toEqual([{ field: '__proto__', message: 'unknown field' }]);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const [error] = findUnsafeInput({ settings: deep }, '');
    expect(error.message).toMatch(/is nested too deeply$/);
    expect(error.field.startsWith('settings')).toBe(true);
    expect(error.field.split('[').length - 1).toBe(MAX_INPUT_DEPTH - 1);
  });

  it('names a query or path parameter by its name', async () => {
    const pipe = createValidationPipe();
    await expect(pipe.transform('cp_1\u0000', { type: 'param', data: 'id' })).rejects.toBeInstanceOf(
      ProblemException,
    );
    const error = await pipe.transform('cp_1\u0000', { type: 'param', data: 'id' }).catch((e) => e);
    expect(error.toBody().errors).toEqual([
      { field: 'id', message: 'id must not contain the NUL character' },
    ]);
  });
});
