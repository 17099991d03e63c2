import { expect } from 'chai';
import { expectCall, restFor, single, useGateway } from './helpers.js';

describe('HealthApi (fake gateway)', () => {
  const ctx = useGateway();
  const api = () => restFor(ctx.gateway).health;

  it('live() emits the text, without a token', async () => {
    expect(await expectCall(ctx.gateway, api().live(), { method: 'GET', path: '/health/live', auth: false })).to.deep.equal(['Healthy']);
  });

  it('ready() emits the HealthStatus with TimeSpan strings', async () => {
    const [status] = await expectCall(ctx.gateway, api().ready(), { method: 'GET', path: '/health/ready', auth: false });
    expect([status?.status, status?.totalDuration, status?.results['database']?.duration]).to.deep.equal([
      'Healthy',
      '00:00:00.0123456',
      '00:00:00.0010000',
    ]);
  });

  it('an Unhealthy server (503 with the same body) still emits its status', async () => {
    const body = { status: 'Unhealthy', totalDuration: '00:00:00.5000000', results: {} };
    ctx.gateway.override('GET', '/health/ready', () => ({ status: 503, json: body }));
    ctx.gateway.override('GET', '/health/live', () => ({ status: 503, text: 'Unhealthy' }));
    expect(await single(api().ready())).to.deep.equal(body);
    expect(await single(api().live())).to.equal('Unhealthy');
  });
});
