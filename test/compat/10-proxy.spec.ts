/**
 * Seed README §10 "Proxy — ProxyApi", lines 816–835, run against `chat-client-rx/compat`.
 * The services 'trading' and 'myservice' are a small HTTP server of this file, registered as
 * the gateway's proxy backends; it records what reached it.
 */
import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatClient } from '../../src/compat/index.js';
import { seedSuite } from './seed-kit.js';

/** The seed's `StockData` and `Order` are the application's types: these are what the backend below answers. */
interface StockData {
  symbol: string;
  price: number;
}
interface Order {
  id: string;
  symbol: string;
  quantity: number;
}

interface Received {
  method: string;
  url: string;
  body: string;
  headers: IncomingMessage['headers'];
}

describe('seed §10 ProxyApi (compat)', () => {
  const received: Received[] = [];
  let backend: Server;
  const kit = seedSuite(async () => {
    backend = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
        res.setHeader('content-type', 'application/json');
        if (req.method === 'GET' && req.url === '/trading/api/stocks/VN30') res.end(JSON.stringify({ symbol: 'VN30', price: 1290.5 }));
        else if (req.method === 'POST' && req.url === '/trading/api/orders')
          res.end(JSON.stringify({ id: 'order-1', ...JSON.parse(body) }));
        else if (req.method === 'DELETE' && req.url === '/myservice/api/resource/123') res.end(JSON.stringify({ deleted: '123' }));
        else {
          res.statusCode = 404;
          res.end(JSON.stringify({ detail: 'no such route' }));
        }
      });
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    return { proxyBackends: { trading: `${base}/trading`, myservice: `${base}/myservice` } };
  });
  after(async () => {
    await new Promise<void>((resolve) => backend.close(() => resolve()));
  });
  let client: ChatClient;
  beforeEach(async () => {
    received.length = 0;
    client = await kit.user('proxy-me'); // the seed's `client`, logged in
  });

  it('get (lines 822–823): GET /api/proxy/trading/api/stocks/VN30', async () => {
    // GET /api/proxy/trading/api/stocks/VN30
    const data = await client.proxy.get<StockData>('trading', 'api/stocks/VN30');
    expect(data).to.deep.equal({ symbol: 'VN30', price: 1290.5 });
    expect(received.map((r) => `${r.method} ${r.url}`)).to.deep.equal(['GET /trading/api/stocks/VN30']);
  });

  it('post (lines 825–829): POST /api/proxy/trading/api/orders with a JSON body', async () => {
    // POST /api/proxy/trading/api/orders
    const order = await client.proxy.post<Order>('trading', 'api/orders', {
      symbol: 'VNM',
      quantity: 100,
    });
    expect(order).to.deep.equal({ id: 'order-1', symbol: 'VNM', quantity: 100 });
    expect(received.map((r) => [r.method, r.url, JSON.parse(r.body)])).to.deep.equal([
      ['POST', '/trading/api/orders', { symbol: 'VNM', quantity: 100 }],
    ]);
    expect(received[0]?.headers['content-type']).to.match(/^application\/json/);
  });

  it('request (lines 831–835): any method, custom headers', async () => {
    // Request tùy chỉnh method
    const result = await client.proxy.request<unknown>('myservice', 'api/resource/123', {
      method: 'DELETE',
      headers: { 'X-Custom-Header': 'value' },
    });
    expect(result).to.deep.equal({ deleted: '123' });
    expect(received.map((r) => `${r.method} ${r.url}`)).to.deep.equal(['DELETE /myservice/api/resource/123']);
    expect(received[0]?.headers['x-custom-header']).to.equal('value');
  });
});
