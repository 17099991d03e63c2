/**
 * What the scripts that run the ASP.NET Core reference gateway share (scripts/test-aspnet.mjs,
 * scripts/test-cluster.mjs): free loopback ports, the build, the .NET environment, and stopping
 * everything once on Ctrl-C / SIGTERM / SIGHUP.
 */
import { spawnSync } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The reference gateway's project folder. */
export const project = join(root, 'test', 'aspnet-gateway');
/** The built gateway. */
export const dll = join(project, 'bin', 'Release', 'net10.0', 'ChatGateway.dll');
/** The environment for `dotnet`: no telemetry, no banners. */
export const dotnetEnv = { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1' };

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * `dotnet build -c Release` of the reference gateway, logged through `log`. Returns 0, or the exit
 * code to end the script with.
 */
export function buildReferenceGateway(log) {
  log('building test/aspnet-gateway (dotnet build -c Release)');
  const started = Date.now();
  const build = spawnSync('dotnet', ['build', '-c', 'Release', '--nologo', '-v', 'quiet'], {
    cwd: project,
    env: dotnetEnv,
    stdio: 'inherit',
  });
  if (build.error) {
    log(`dotnet could not be run: ${build.error.message} (the .NET 10 SDK is needed)`);
    return 1;
  }
  if (build.status !== 0) {
    log(`dotnet build failed (exit ${build.status})`);
    return build.status ?? 1;
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

/**
 * On SIGINT, SIGTERM or SIGHUP: `cleanup()` once, then exit 130. Returns whether that happened
 * (for the script's own exit code).
 */
export function stopOnInterrupt(log, cleanup) {
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      log(`${signal}: stopping`);
      cleanup().finally(() => process.exit(130));
    });
  }
  return () => interrupted;
}
