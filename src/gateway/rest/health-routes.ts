import { millisecondsToTimeSpan } from '../../codecs/index.js';
import { sendJson, sendText } from '../http-util.js';
import type { RouteRegistrar } from './router.js';

/** `health.live` (plain `Healthy`) and `health.ready` (ASP.NET's health report, TimeSpan durations). */
export function addHealthRoutes(r: RouteRegistrar): void {
  const started = Date.now();
  r.add('health.live', false, (ctx) => sendText(ctx.res, 200, 'Healthy'));
  r.add('health.ready', false, (ctx) => {
    const t0 = performance.now();
    const checks = {
      store: { status: 'Healthy', description: 'In-memory store', duration: millisecondsToTimeSpan(performance.now() - t0), error: null },
      signalr: {
        status: 'Healthy',
        description: `Hubs up for ${Math.round((Date.now() - started) / 1000)} s`,
        duration: millisecondsToTimeSpan(performance.now() - t0),
        error: null,
      },
    };
    sendJson(ctx.res, 200, { status: 'Healthy', totalDuration: millisecondsToTimeSpan(performance.now() - t0), results: checks });
  });
}
