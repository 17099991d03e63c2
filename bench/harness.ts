/** Small timing helpers shared by the benchmarks. */

/** A place to put results so the optimiser cannot drop the work that made them. */
export const sink: { value: unknown } = { value: undefined };

/** The median of `values` (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One timed case: `run(n)` does `n` operations; `setup`/`teardown` run untimed around each sample. */
export interface Case {
  readonly name: string;
  readonly opsPerSample: number;
  readonly run: (ops: number) => void;
  readonly setup?: () => void;
  readonly teardown?: () => void;
}

/**
 * Times several cases interleaved (A, B, A, B, …) so drift hits them alike: `warmup` untimed
 * samples each, then `samples` timed ones. Returns the median nanoseconds per operation of each.
 */
export function compare(cases: readonly Case[], samples: number, warmup = 3): Map<string, number> {
  const timings = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let i = -warmup; i < samples; i++) {
    for (const c of cases) {
      c.setup?.();
      const started = process.hrtime.bigint();
      c.run(c.opsPerSample);
      const ns = Number(process.hrtime.bigint() - started);
      c.teardown?.();
      if (i >= 0) timings.get(c.name)?.push(ns / c.opsPerSample);
    }
  }
  return new Map([...timings].map(([name, values]) => [name, median(values)]));
}

/** Runs a full garbage collection when the process has `--expose-gc`. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/** Formats nanoseconds for a table cell. */
export function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

/** Formats bytes for a table cell. */
export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (Math.abs(bytes) >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
