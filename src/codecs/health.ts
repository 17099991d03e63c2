import * as t from 'io-ts';
import { TimeSpan, nullable } from './scalars.js';

/** One dependency's health (`duration` is a TimeSpan string, not a number). */
export const HealthCheckResult = t.type(
  { status: t.string, description: nullable(t.string), duration: TimeSpan, error: nullable(t.string) },
  'HealthCheckResult',
);
/** One dependency's health. */
export type HealthCheckResult = t.TypeOf<typeof HealthCheckResult>;

/** `GET /health/ready`: overall status, `totalDuration` (TimeSpan string) and each check. */
export const HealthStatus = t.type(
  { status: t.string, totalDuration: TimeSpan, results: t.record(t.string, HealthCheckResult) },
  'HealthStatus',
);
/** `GET /health/ready`. */
export type HealthStatus = t.TypeOf<typeof HealthStatus>;
