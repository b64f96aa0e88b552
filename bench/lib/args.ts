/** The number after `--<name>` in `argv`, or `fallback` when the flag is absent. */
export function numberFlag(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

/** The numbers after every `--<name>` in `argv` (the flag given several times), or `fallback`. */
export function numberFlags(argv: readonly string[], name: string, fallback: number[]): number[] {
  const values: number[] = [];
  argv.forEach((arg, i) => {
    if (arg === `--${name}`) values.push(Number(argv[i + 1]));
  });
  return values.length > 0 ? values : fallback;
}
