/**
 * Seed README §11 "Health — HealthApi", lines 837–865, run against `chat-client-rx/compat`.
 * Public endpoints: the client is not logged in.
 */
import { expect } from 'chai';
import type { ChatClient, HealthCheckResult, HealthStatus } from '../../src/compat/index.js';
import { TIME_SPAN, captureConsole, expectSeedFields, seedSuite } from './seed-kit.js';

describe('seed §11 HealthApi (compat)', () => {
  const kit = seedSuite();
  const out = captureConsole();
  let client: ChatClient;
  beforeEach(() => {
    client = kit.client(); // the seed's `client`, not logged in: these endpoints need no JWT
  });

  it('live (line 844): "Healthy"', async () => {
    // Liveness probe — kiểm tra process có chạy không
    const status = await client.health.live(); // "Healthy"
    expect(status).to.equal('Healthy');
  });

  it('ready (lines 847–850): status, a TimeSpan string, results per check', async () => {
    // Readiness probe — kiểm tra tất cả dependencies
    const detail = await client.health.ready();
    console.log(detail.status); // "Healthy" | "Degraded" | "Unhealthy"
    console.log(detail.totalDuration); // ".NET TimeSpan string" như "00:00:00.0123456" — KHÔNG phải number
    console.log(detail.results); // Record<string, HealthCheckResult>
    const [[status], [totalDuration], [results]] = out.lines() as [[unknown], [unknown], [unknown]];
    expect(status).to.equal('Healthy');
    expect(totalDuration).to.be.a('string').and.match(TIME_SPAN);
    expect(results).to.be.an('object');
    expect(Object.keys(results as object)).to.not.deep.equal([]);
  });

  it('HealthStatus / HealthCheckResult (lines 854–865)', async () => {
    const check: HealthCheckResult = { status: 'Degraded', description: null, duration: '00:00:00.0010000', error: 'slow' };
    const typed: HealthStatus = { status: 'Degraded', totalDuration: '00:00:00.1234567', results: { store: check } };
    expect(typed.results.store?.error).to.equal('slow');

    const live: HealthStatus = await client.health.ready();
    expectSeedFields(live, ['status', 'totalDuration', 'results'], [], 'HealthStatus');
    for (const [name, result] of Object.entries(live.results)) {
      expectSeedFields(result, ['status', 'description', 'duration', 'error'], [], `HealthCheckResult ${name}`);
      expect(result.duration).to.match(TIME_SPAN);
    }
  });
});
