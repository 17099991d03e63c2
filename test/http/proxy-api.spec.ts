import { expect } from 'chai';
import * as t from 'io-ts';
import { ChatApiError } from '../../src/http/chat-api-error.js';
import { errorOf, expectCall, restFor, useGateway } from './helpers.js';

const Echo = t.type({ service: t.string, path: t.string, method: t.string }, 'Echo');

describe('ProxyApi (fake gateway)', () => {
  const ctx = useGateway();
  const api = () => restFor(ctx.gateway).proxy;

  it('get(service, path) keeps the slashes of the path and encodes its segments', async () => {
    const [echo] = await expectCall(ctx.gateway, api().get('trading', 'api/stocks/VN 30'), {
      method: 'GET',
      path: '/api/proxy/trading/api/stocks/VN%2030',
    });
    expect(echo).to.deep.include({ service: 'trading', path: 'api/stocks/VN 30', method: 'GET' });
  });

  it('post(service, path, body) sends JSON and decodes with a codec when given', async () => {
    const [echo] = await expectCall(ctx.gateway, api().post('trading', 'api/orders', { symbol: 'VNM' }, { codec: Echo }), {
      method: 'POST',
      path: '/api/proxy/trading/api/orders',
      body: { symbol: 'VNM' },
    });
    expect(echo?.method).to.equal('POST');
  });

  it('request(service, path, {method, headers, body, query})', async () => {
    await expectCall(
      ctx.gateway,
      api().request('svc', 'api/resource/123', { method: 'DELETE', headers: { 'X-Custom': 'v' }, query: { force: true } }),
      {
        method: 'DELETE',
        path: '/api/proxy/svc/api/resource/123',
        query: { force: 'true' },
      },
    );
    expect(ctx.gateway.requests[0]?.headers['x-custom']).to.equal('v');
  });

  it("the proxy's bare {detail} error becomes the ChatApiError detail", async () => {
    const error = await errorOf(api().get('down', 'x'));
    expect(ChatApiError.is(error) && [error.status, error.title, error.message]).to.deep.equal([502, 'Bad Gateway', 'upstream down']);
  });
});
