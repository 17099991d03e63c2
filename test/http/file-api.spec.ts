import { expect } from 'chai';
import { filter, map } from 'rxjs';
import { isUploadDone, type UploadEvent } from '../../src/http/file-api.js';
import { startTestGateway, type TestGateway } from './fake-gateway.js';
import { all, expectCall, restFor, single, sleep, useGateway } from './helpers.js';

const MB = 1024 * 1024;

/** Asserts the event shape: progress never decreasing, the last one complete, then exactly one done. */
function checkEventOrder(events: UploadEvent[], size: number): void {
  const progress = events.filter((e) => e.type === 'progress');
  const loaded = progress.map((e) => e.loaded);
  expect(loaded, 'loaded never decreases').to.deep.equal([...loaded].sort((a, b) => a - b));
  expect(progress.every((e) => e.total === size)).to.equal(true);
  expect(loaded[loaded.length - 1]).to.equal(size);
  expect(events.map((e) => e.type).lastIndexOf('progress')).to.equal(events.length - 2);
  expect(events[events.length - 1]?.type).to.equal('done');
  expect(events.filter(isUploadDone)).to.have.length(1);
}

describe('FileApi (fake gateway)', () => {
  const ctx = useGateway();
  const api = () => restFor(ctx.gateway).files;

  it('createUploadUrl(req) posts the request', async () => {
    const req = { fileName: 'a.jpg', contentType: 'image/jpeg', fileSize: 10 };
    const [ticket] = await expectCall(ctx.gateway, api().createUploadUrl(req), {
      method: 'POST',
      path: '/api/files/upload-url',
      body: req,
    });
    expect(ticket).to.deep.equal({
      uploadUrl: '/api/files/upload/01HXKEY/a.jpg?sig=abc',
      storageKey: '01HXKEY/a.jpg',
      expiresAt: '2025-03-26T15:30:00Z',
    });
  });

  it('upload(relativeUrl, 1 MB Buffer) emits real progress events in Node, in order, then done; token sent', async () => {
    const bytes = Buffer.alloc(MB, 7);
    const events = await all(api().upload('/api/files/upload/01HXKEY/big.bin?sig=abc', bytes, { contentType: 'application/x-test' }));
    checkEventOrder(events, MB);
    // a progress event strictly between 0 and the total can only come from axios itself
    expect(
      events.some((e) => e.type === 'progress' && e.loaded > 0 && e.loaded < MB),
      'an intermediate progress event',
    ).to.equal(true);
    const done = events[events.length - 1];
    expect(done?.type === 'done' && done.response.fileSize).to.equal(MB);
    const put = ctx.gateway.requests[0]!;
    expect([put.method, put.url, put.headers.authorization, put.headers['content-type']]).to.deep.equal([
      'PUT',
      '/api/files/upload/01HXKEY/big.bin?sig=abc',
      'Bearer good-token',
      'application/x-test',
    ]);
    expect(put.body.equals(bytes)).to.equal(true);
  });

  it('uploadFile(File) asks for an upload URL with the file name, type and size, then PUTs it', async () => {
    const file = new File([new Uint8Array(3000).fill(1)], 'photo one.png', { type: 'image/png' });
    const events = await all(api().uploadFile(file));
    checkEventOrder(events, 3000);
    const [ticketRequest, put] = ctx.gateway.requests;
    expect(ticketRequest?.json()).to.deep.equal({ fileName: 'photo one.png', contentType: 'image/png', fileSize: 3000 });
    expect([put?.method, put?.rawPath, put?.headers['content-type'], put?.body.length]).to.deep.equal([
      'PUT',
      '/api/files/upload/01HXKEY/photo%20one.png',
      'image/png',
      3000,
    ]);
    const done = events.find(isUploadDone);
    expect(done?.response.storageKey).to.equal('01HXKEY/photo one.png');
  });

  it('sends exactly the bytes of a Uint8Array view and of an ArrayBuffer', async () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    await all(api().uploadFile(backing.subarray(2, 5), { fileName: 'v.bin' }));
    expect([...ctx.gateway.requests[1]!.body]).to.deep.equal([1, 2, 3]);
    expect(ctx.gateway.requests[1]!.headers['content-type']).to.equal('application/octet-stream');
    await all(api().uploadFile(new Uint8Array([4, 5]).buffer, { fileName: 'b.bin', contentType: 'text/plain' }));
    expect([...ctx.gateway.requests[3]!.body]).to.deep.equal([4, 5]);
    expect(ctx.gateway.requests[3]!.headers['content-type']).to.equal('text/plain');
  });

  it('unsubscribing mid-upload aborts the PUT and nothing more is emitted', async () => {
    // the server reads the body slowly, so the 8 MB upload is still running when we unsubscribe
    ctx.gateway.hold((r) => r.method === 'PUT', { readSlowly: true });
    const size = 8 * MB;
    const seen: string[] = [];
    const subscription = api()
      .upload('/api/files/upload/k/x.bin', Buffer.alloc(size))
      .subscribe({ next: (e) => seen.push(e.type), error: () => seen.push('error'), complete: () => seen.push('complete') });
    await ctx.gateway.waitForRequests(1);
    const put = ctx.gateway.requests[0]!;
    while (put.bytesRead === 0) await sleep(5);
    subscription.unsubscribe();
    await put.settled;
    expect(put.aborted).to.equal(true);
    expect(put.bytesRead).to.be.lessThan(size);
    ctx.gateway.release();
    await sleep(20);
    expect(seen.every((type) => type === 'progress')).to.equal(true);
  });

  describe('presigned upload URL on another origin', () => {
    let storage: TestGateway;
    beforeEach(async () => {
      storage = await startTestGateway();
      ctx.gateway.uploadBaseUrl = storage.url;
    });
    afterEach(async () => {
      await storage.close();
    });

    it('PUTs to the storage host without the Authorization header', async () => {
      storage.override('PUT', '/api/files/upload/*key', () => ({ status: 200 })); // storage hosts answer with an empty 200
      const response = await single(
        api()
          .uploadFile(new Uint8Array(10), { fileName: 'doc.pdf', contentType: 'application/pdf' })
          .pipe(
            filter(isUploadDone),
            map((e) => e.response),
          ),
      );
      expect(ctx.gateway.requests.map((r) => r.method)).to.deep.equal(['POST']);
      expect(storage.requests).to.have.length(1);
      expect(storage.requests[0]?.headers.authorization).to.equal(undefined);
      expect(response).to.deep.include({
        storageKey: '01HXKEY/doc.pdf',
        downloadUrl: '/api/files/01HXKEY/doc.pdf',
        fileName: 'doc.pdf',
        contentType: 'application/pdf',
        fileSize: 10,
      });
    });
  });

  it('getDownloadUrl(storageKey) is a synchronous absolute URL; segments encoded, slashes kept', () => {
    expect(api().getDownloadUrl('01HX/my photo#1.jpg')).to.equal(`${ctx.gateway.url}/api/files/01HX/my%20photo%231.jpg`);
    expect(ctx.gateway.requests).to.have.length(0);
  });

  it('delete(storageKey) keeps the slashes', async () => {
    expect(
      await expectCall(ctx.gateway, api().delete('01HX/a b.png'), { method: 'DELETE', path: '/api/files/01HX/a%20b.png' }),
    ).to.deep.equal([undefined]);
  });
});
