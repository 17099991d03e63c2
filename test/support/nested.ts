/** `{ a: { a: … } }`, `levels` objects deep (the outermost counts as 1): input for depth limits. */
export function nestedObject(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}
