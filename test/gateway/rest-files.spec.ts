/**
 * REST: files — upload URL → PUT the bytes → public GET of the same bytes and content type →
 * DELETE by the uploader only; storage keys with `/`, `..` refused, the 50 MB limit, and
 * presigned uploads on another origin that need no token.
 */
import { expect } from 'chai';
import { CreateUploadUrlResponse, UploadResponse } from '../../src/codecs/index.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { ISO_FORMAT, ULID_FORMAT, api, expectOk, expectProblem, newUsers, rawRequest, type TestUser } from './gateway-helpers.js';

const BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10, 0x20]);

describe('gateway REST: files', () => {
  let gw: TestGateway;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    gw = await startTestGateway({ bot: false });
    [alice, bob] = await newUsers(gw, 'alice', 'bob');
  });
  after(async () => gw.close());

  const uploadUrl = async (user: TestUser, fileName: string, contentType: string, fileSize: number): Promise<CreateUploadUrlResponse> =>
    expectOk(
      await api(gw, 'POST', '/api/files/upload-url', { token: user.token, body: { fileName, contentType, fileSize } }),
      200,
      CreateUploadUrlResponse,
    );

  it('uploads, serves the same bytes and content type publicly, and deletes for the uploader only', async () => {
    const target = await uploadUrl(alice, 'photo.png', 'image/png', BYTES.length);
    expect(target.uploadUrl).to.match(/^\/api\/files\/upload\/[0-9A-Z]{26}$/);
    const [folder, name] = target.storageKey.split('/');
    expect(folder).to.match(ULID_FORMAT);
    expect(name).to.equal('photo.png');
    expect(Date.parse(target.expiresAt)).to.be.greaterThan(Date.now());

    const uploaded = expectOk(
      await api(gw, 'PUT', target.uploadUrl, { token: alice.token, rawBody: BYTES, headers: { 'content-type': 'image/png' } }),
      200,
      UploadResponse,
    );
    expect(uploaded).to.deep.include({
      storageKey: target.storageKey,
      fileName: 'photo.png',
      contentType: 'image/png',
      fileSize: BYTES.length,
    });
    expect(uploaded.downloadUrl).to.equal(`/api/files/${target.storageKey}`);
    expect(uploaded.uploadedAt).to.match(ISO_FORMAT);

    // Public: no Authorization header; the key's "/" stays a path separator.
    const download = await fetch(`${gw.url}/api/files/${target.storageKey}`);
    expect(download.status).to.equal(200);
    expect(download.headers.get('content-type')).to.equal('image/png');
    expect(new Uint8Array(await download.arrayBuffer())).to.deep.equal(BYTES);

    expectProblem(await api(gw, 'DELETE', `/api/files/${target.storageKey}`, { token: bob.token }), 403);
    expect((await fetch(`${gw.url}/api/files/${target.storageKey}`)).status).to.equal(200);
    expect((await api(gw, 'DELETE', `/api/files/${target.storageKey}`)).status).to.equal(401);
    expect((await api(gw, 'DELETE', `/api/files/${target.storageKey}`, { token: alice.token })).status).to.equal(204);
    expectProblem(await api(gw, 'GET', `/api/files/${target.storageKey}`), 404);
    expectProblem(await api(gw, 'DELETE', `/api/files/${target.storageKey}`, { token: alice.token }), 404);
  });

  it('keeps file names with spaces and non-ASCII characters (each key segment URL-encoded)', async () => {
    const target = await uploadUrl(alice, 'báo cáo 2025.txt', 'text/plain', 5);
    const uploaded = expectOk(
      await api(gw, 'PUT', target.uploadUrl, { token: alice.token, rawBody: 'hello', headers: { 'content-type': 'text/plain' } }),
      200,
      UploadResponse,
    );
    expect(uploaded.storageKey.endsWith('/báo cáo 2025.txt')).to.equal(true);
    const encoded = uploaded.storageKey.split('/').map(encodeURIComponent).join('/');
    expect(uploaded.downloadUrl).to.equal(`/api/files/${encoded}`);
    const download = await fetch(`${gw.url}${uploaded.downloadUrl}`);
    expect([download.status, await download.text()]).to.deep.equal([200, 'hello']);
  });

  it('refuses ".." in a storage key (400); dot segments are resolved before routing, as Kestrel does', async () => {
    const target = await uploadUrl(alice, 'a.txt', 'text/plain', 1);
    await api(gw, 'PUT', target.uploadUrl, { token: alice.token, rawBody: 'a', headers: { 'content-type': 'text/plain' } });
    const folder = target.storageKey.split('/')[0] ?? '';
    // Encoded separators would smuggle ".." into the key itself: refused. (node:http sends these paths verbatim.)
    for (const path of [
      `/api/files/${folder}/..%2F..%2Fa.txt`,
      `/api/files/${folder}/%2e%2e%2fa.txt`,
      `/api/files/${folder}%2F..%2F${folder}/a.txt`,
      `/api/files/${folder}/..%5Ca.txt`,
    ]) {
      const res = await rawRequest(gw, 'GET', path);
      expect(res.status, path).to.equal(400);
      expect((JSON.parse(res.text) as { status: number }).status, path).to.equal(400);
    }
    const del = await rawRequest(gw, 'DELETE', `/api/files/${folder}/..%2Fa.txt`, { authorization: `Bearer ${alice.token}` });
    expect(del.status).to.equal(400);
    expect((await fetch(`${gw.url}/api/files/${target.storageKey}`)).status, 'the file survived').to.equal(200);
    // A literal dot segment is resolved in the URL (like Kestrel) and so never reaches the key: it
    // cannot climb out of the key's folder into another file.
    const resolved = await rawRequest(gw, 'GET', `/api/files/elsewhere/../${target.storageKey}`);
    expect([resolved.status, resolved.text]).to.deep.equal([200, 'a']);
    const escaped = await rawRequest(gw, 'GET', `/api/files/${folder}/../../../package.json`);
    expect(escaped.status).to.equal(404);
  });

  it('upload-url: 413 over 50 MB, 400 for bad fields, 401 without a token', async () => {
    const fifty = 50 * 1024 * 1024;
    const ok = await api(gw, 'POST', '/api/files/upload-url', {
      token: alice.token,
      body: { fileName: 'big.bin', contentType: 'application/octet-stream', fileSize: fifty },
    });
    expect(ok.status).to.equal(200);
    expectProblem(
      await api(gw, 'POST', '/api/files/upload-url', {
        token: alice.token,
        body: { fileName: 'big.bin', contentType: 'application/octet-stream', fileSize: fifty + 1 },
      }),
      413,
    );
    expectProblem(await api(gw, 'POST', '/api/files/upload-url', { token: alice.token, body: { fileName: 'a.txt', fileSize: 1 } }), 400, [
      'contentType',
    ]);
    expectProblem(
      await api(gw, 'POST', '/api/files/upload-url', {
        token: alice.token,
        body: { fileName: 'a.txt', contentType: 'text/plain', fileSize: -1 },
      }),
      400,
      ['fileSize'],
    );
    expectProblem(
      await api(gw, 'POST', '/api/files/upload-url', {
        token: alice.token,
        body: { fileName: 'a/b.txt', contentType: 'text/plain', fileSize: 1 },
      }),
      400,
      ['fileName'],
    );
    expectProblem(
      await api(gw, 'POST', '/api/files/upload-url', {
        token: alice.token,
        body: { fileName: '..', contentType: 'text/plain', fileSize: 1 },
      }),
      400,
      ['fileName'],
    );
    expectProblem(await api(gw, 'POST', '/api/files/upload-url', { token: alice.token, rawBody: 'nope' }), 400, ['$']);
    expect(
      (await api(gw, 'POST', '/api/files/upload-url', { body: { fileName: 'a.txt', contentType: 'text/plain', fileSize: 1 } })).status,
    ).to.equal(401);
  });

  it('PUT: 401 without a token, 403 for another user, 404 for an unknown or used upload URL', async () => {
    const target = await uploadUrl(alice, 'x.txt', 'text/plain', 1);
    expect((await api(gw, 'PUT', target.uploadUrl, { rawBody: 'x', headers: { 'content-type': 'text/plain' } })).status).to.equal(401);
    expectProblem(
      await api(gw, 'PUT', target.uploadUrl, { token: bob.token, rawBody: 'x', headers: { 'content-type': 'text/plain' } }),
      403,
    );
    expect(
      (await api(gw, 'PUT', target.uploadUrl, { token: alice.token, rawBody: 'x', headers: { 'content-type': 'text/plain' } })).status,
    ).to.equal(200);
    expectProblem(
      await api(gw, 'PUT', target.uploadUrl, { token: alice.token, rawBody: 'y', headers: { 'content-type': 'text/plain' } }),
      404,
    );
    expectProblem(await api(gw, 'PUT', '/api/files/upload/01ARZ3NDEKTSV4RRFFQ69G5FAV', { token: alice.token, rawBody: 'x' }), 404);
  });

  describe('presigned uploads (presignedUploads: true)', () => {
    let presigned: TestGateway;
    let carol: TestUser;
    before(async function () {
      presigned = await startTestGateway({ bot: false, presignedUploads: true });
      if (presigned.external) this.skip(); // presignedUploads is an embedded gateway option
      [carol] = await newUsers(presigned, 'carol');
    });
    after(async () => presigned.close());

    it('hands out an absolute URL on http://localhost:PORT that takes the bytes without an Authorization header', async () => {
      const port = new URL(presigned.url).port;
      const target = expectOk(
        await api(presigned, 'POST', '/api/files/upload-url', {
          token: carol.token,
          body: { fileName: 'doc.pdf', contentType: 'application/pdf', fileSize: BYTES.length },
        }),
        200,
        CreateUploadUrlResponse,
      );
      const url = new URL(target.uploadUrl);
      expect(`${url.protocol}//${url.host}`).to.equal(`http://localhost:${port}`);
      expect(url.pathname).to.match(/^\/api\/files\/upload\/[0-9A-Z]{26}$/);
      expect(url.searchParams.get('signature')).to.be.a('string');

      const put = await fetch(target.uploadUrl, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: BYTES });
      expect(put.status).to.equal(200);
      const uploaded = UploadResponse.is(await put.json());
      expect(uploaded).to.equal(true);
      const download = await fetch(`${presigned.url}/api/files/${target.storageKey}`);
      expect(download.headers.get('content-type')).to.equal('application/pdf');
      expect(new Uint8Array(await download.arrayBuffer())).to.deep.equal(BYTES);
      // The uploader is the user who asked for the URL.
      expectProblem(
        await api(presigned, 'DELETE', `/api/files/${target.storageKey}`, { token: (await newUsers(presigned, 'dave'))[0].token }),
        403,
      );
      expect((await api(presigned, 'DELETE', `/api/files/${target.storageKey}`, { token: carol.token })).status).to.equal(204);
    });

    it('refuses a tampered signature (403)', async () => {
      const target = expectOk(
        await api(presigned, 'POST', '/api/files/upload-url', {
          token: carol.token,
          body: { fileName: 'a.txt', contentType: 'text/plain', fileSize: 1 },
        }),
        200,
        CreateUploadUrlResponse,
      );
      const url = new URL(target.uploadUrl);
      const signature = url.searchParams.get('signature') ?? '';
      url.searchParams.set('signature', `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`);
      const res = await api(presigned, 'PUT', url.toString(), { rawBody: 'a', headers: { 'content-type': 'text/plain' } });
      expectProblem(res, 403);
      url.searchParams.set('signature', signature);
      url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1000));
      expectProblem(await api(presigned, 'PUT', url.toString(), { rawBody: 'a', headers: { 'content-type': 'text/plain' } }), 403);
    });
  });
});
