/**
 * A real garbage collection for retention tests, without `--expose-gc` on the command line:
 * `global.gc` when Node was started with it, else V8's `gc` enabled at run time
 * (`v8.setFlagsFromString('--expose-gc')`) and fetched from a fresh context.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

function gcFunction(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const collect = gcFunction();

/** Lets the current job end (WeakRef targets stay alive until then), then collects garbage fully, twice. */
export async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    collect();
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
}
