/** Runs a bench module in a child process (its own heap) and returns the JSON it prints last. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs `moduleUrl` in a child process (tsx, `--expose-gc`) with `args`; resolves with the JSON it prints last. */
export function runChild<T>(moduleUrl: string, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', fileURLToPath(moduleUrl), ...args],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${fileURLToPath(moduleUrl)} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
          return;
        }
        const lines = stdout.trim().split('\n');
        try {
          resolve(JSON.parse(lines[lines.length - 1] ?? '') as T);
        } catch (cause) {
          reject(new Error(`unexpected output from ${fileURLToPath(moduleUrl)}: ${stdout}\n${stderr}`, { cause }));
        }
      },
    );
  });
}

/** True when `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] === fileURLToPath(moduleUrl);
}
