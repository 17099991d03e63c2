import { either } from 'fp-ts';
import { catchError, of, throwError, type Observable } from 'rxjs';
import { decodeWith } from '../codecs/decode-with.js';
import { HealthStatus } from '../codecs/health.js';
import { ChatApiError } from './chat-api-error.js';
import type { HttpTransport } from './http-transport.js';

const decodeHealth = decodeWith(HealthStatus);

/**
 * Health probes (no JWT). An unhealthy server answers 503 with the same body as a healthy one,
 * so both calls emit the status on 503 too, and error (`ChatApiError`) only when the server
 * cannot be reached or answers something else.
 *
 * @example
 * ```ts
 * client.health.ready().subscribe(({ status, totalDuration }) => console.log(status, totalDuration));
 * ```
 */
export class HealthApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Liveness: `GET /health/live`; emits the text (`"Healthy"`, or `"Unhealthy"` with a 503) and completes.
   *
   * @example
   * ```ts
   * client.health.live().subscribe((text) => text === 'Healthy');
   * ```
   */
  live(): Observable<string> {
    return this.http
      .request({ ...this.http.route('health.live'), auth: false, response: 'text' })
      .pipe(
        catchError((error: unknown) =>
          ChatApiError.is(error) && error.kind === 'http' && error.status === 503 && typeof error.body === 'string'
            ? of(error.body)
            : throwError(() => error),
        ),
      );
  }

  /**
   * Readiness: `GET /health/ready`; emits the `HealthStatus` (`status`, `totalDuration` as a
   * TimeSpan string, each check's result) and completes.
   *
   * @example
   * ```ts
   * client.health.ready().subscribe((h) => h.results['database']?.status);
   * ```
   */
  ready(): Observable<HealthStatus> {
    return this.http.request({ ...this.http.route('health.ready'), auth: false, codec: HealthStatus }).pipe(
      catchError((error: unknown) => {
        if (ChatApiError.is(error) && error.kind === 'http' && error.status === 503) {
          const status = decodeHealth(error.body);
          if (either.isRight(status)) return of(status.right);
        }
        return throwError(() => error);
      }),
    );
  }
}
