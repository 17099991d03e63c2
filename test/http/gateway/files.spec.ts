/**
 * The client's `files` group against the embedded gateway: createUploadUrl (and the 50 MB limit
 * refused before any request), upload with progress events then `done`, uploadFile, the public
 * download URL (same bytes, same content type; the storage key's `/` kept), delete by the
 * uploader only, and presigned uploads whose PUT carries no Authorization header.
 */
import { expect } from 'chai';
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { MAX_UPLOAD_BYTES } from '../../../src/codecs/files.js';
import { isUploadDone, type UploadEvent } from '../../../src/http/file-api.js';
import { ArgumentRangeError } from '../../../src/core/invalid-argument-error.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { ClientPool, ISO_FORMAT, ULID_FORMAT, expectApiError, requestMark, requestTo, type LoggedIn } from './client-fixtures.js';

const MB = 1024 * 1024;

/** `size` bytes of a repeating pattern (so a truncated or shifted body would not compare equal). */
function pattern(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}

/** Progress never decreasing and ending at the total, then exactly one `done`, last. */
function expectUploadEvents(events: readonly UploadEvent[], size: number): void {
  const types = events.map((e) => e.type);
  expect(types[types.length - 1]).to.equal('done');
  expect(types.filter((t) => t === 'done')).to.have.length(1);
  const progress = events.flatMap((e) => (e.type === 'progress' ? [e] : []));
  expect(progress.length, 'progress events').to.be.greaterThan(0);
  const loaded = progress.map((e) => e.loaded);
  expect(loaded).to.deep.equal([...loaded].sort((a, b) => a - b));
  expect(progress.every((e) => e.total === size)).to.equal(true);
  expect(loaded[loaded.length - 1]).to.equal(size);
}

async function download(url: string): Promise<{ status: number; type: string | null; bytes: Uint8Array }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), bytes: new Uint8Array(await response.arrayBuffer()) };
}

describe('REST client against the embedded gateway: files', function () {
  this.timeout(10_000);
  let gw: TestGateway;
  const pool = new ClientPool(() => gw);
  let alice: LoggedIn;
  let bob: LoggedIn;

  before(async () => {
    gw = await startTestGateway({ bot: false });
    [alice, bob] = await Promise.all([pool.login('alice'), pool.login('bob')]);
  });
  after(async () => {
    await pool.closeAll();
    await gw.close();
  });

  it('createUploadUrl: a relative upload URL, a "<ULID>/<name>" storage key and a future expiry', async () => {
    const ticket = await firstValueFrom(
      alice.client.files.createUploadUrl({ fileName: 'notes.txt', contentType: 'text/plain', fileSize: 12 }),
    );
    expect(ticket.uploadUrl).to.match(/^\/api\/files\/upload\/[0-9A-HJKMNP-TV-Z]{26}$/);
    const [folder, name, ...rest] = ticket.storageKey.split('/');
    expect(folder).to.match(ULID_FORMAT);
    expect([name, rest]).to.deep.equal(['notes.txt', []]);
    expect(ticket.expiresAt).to.match(ISO_FORMAT);
    expect(Date.parse(ticket.expiresAt)).to.be.greaterThan(Date.now());

    const bad = await expectApiError(
      alice.client.files.createUploadUrl({ fileName: 'a/b.txt', contentType: 'text/plain', fileSize: 1 }),
      400,
    );
    expect(bad.detail).to.equal('The file name is not valid.');
  });

  it('createUploadUrl and uploadFile over 50 MB throw an ArgumentRangeError before any request', async () => {
    const mark = await requestMark(gw);
    expect(() =>
      alice.client.files.createUploadUrl({ fileName: 'big.bin', contentType: 'application/octet-stream', fileSize: MAX_UPLOAD_BYTES + 1 }),
    )
      .to.throw(ArgumentRangeError)
      .with.property('argument', 'request.fileSize');
    expect(() => alice.client.files.uploadFile(new Uint8Array(MAX_UPLOAD_BYTES + 1), { fileName: 'big.bin' })).to.throw(ArgumentRangeError);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await mark.since((r) => r.path.startsWith('/api/files'))).to.deep.equal([]);
    // Exactly 50 MB is still accepted (nothing uploaded, only the ticket).
    const ticket = await firstValueFrom(
      alice.client.files.createUploadUrl({ fileName: 'max.bin', contentType: 'application/octet-stream', fileSize: MAX_UPLOAD_BYTES }),
    );
    expect(ticket.storageKey.endsWith('/max.bin')).to.equal(true);
    expect(await mark.since(requestTo('POST', '/api/files/upload-url'))).to.have.length(1);
  });

  it('upload(uploadUrl, 1 MB) emits progress events then done with the UploadResponse; the download is the same bytes and type', async () => {
    const bytes = pattern(MB);
    const ticket = await firstValueFrom(
      alice.client.files.createUploadUrl({ fileName: 'blob.bin', contentType: 'application/x-test', fileSize: bytes.length }),
    );
    const mark = await requestMark(gw);
    const events = await lastValueFrom(
      alice.client.files.upload(ticket.uploadUrl, bytes, { contentType: 'application/x-test' }).pipe(toArray()),
    );
    expectUploadEvents(events, bytes.length);
    const done = events.find(isUploadDone);
    expect(done?.response).to.deep.include({
      storageKey: ticket.storageKey,
      fileName: 'blob.bin',
      contentType: 'application/x-test',
      fileSize: MB,
    });
    expect(done?.response.uploadedAt).to.match(ISO_FORMAT);
    expect((await mark.since(requestTo('PUT', ticket.uploadUrl))).map((r) => r.authorization)).to.deep.equal([true]);

    const url = alice.client.files.getDownloadUrl(ticket.storageKey);
    expect(url).to.equal(`${gw.url}/api/files/${ticket.storageKey}`);
    const got = await download(url);
    expect(got.status).to.equal(200);
    expect(got.type).to.equal('application/x-test');
    expect(Buffer.from(got.bytes).equals(Buffer.from(bytes))).to.equal(true);
  });

  it("upload to another user's upload URL is a 403 (the URL stays usable by its owner)", async () => {
    const bytes = pattern(64);
    const ticket = await firstValueFrom(
      alice.client.files.createUploadUrl({ fileName: 'mine.bin', contentType: 'application/octet-stream', fileSize: bytes.length }),
    );
    const error = await expectApiError(bob.client.files.upload(ticket.uploadUrl, bytes).pipe(filter(isUploadDone)), 403);
    expect(error.detail).to.equal('This upload URL belongs to another user.');
    const done = await lastValueFrom(alice.client.files.upload(ticket.uploadUrl, bytes).pipe(filter(isUploadDone)));
    expect(done.response.storageKey).to.equal(ticket.storageKey);
  });

  it('uploadFile(File): name and type from the File, progress then done; the key keeps its "/" and an encoded name', async () => {
    const bytes = pattern(300 * 1024);
    const file = new File([bytes], 'my photo.png', { type: 'image/png' });
    const mark = await requestMark(gw);
    const events = await lastValueFrom(alice.client.files.uploadFile(file).pipe(toArray()));
    expectUploadEvents(events, bytes.length);
    const done = events.find(isUploadDone);
    const key = done?.response.storageKey ?? '';
    expect(key).to.match(/^[0-9A-HJKMNP-TV-Z]{26}\/my photo\.png$/);
    expect(done?.response).to.deep.include({ fileName: 'my photo.png', contentType: 'image/png', fileSize: bytes.length });
    expect((await mark.since((r) => r.path.startsWith('/api/files/'))).map((r) => r.method)).to.deep.equal(['POST', 'PUT']);

    const url = alice.client.files.getDownloadUrl(key);
    const [folder] = key.split('/');
    expect(url).to.equal(`${gw.url}/api/files/${folder}/my%20photo.png`);
    const got = await download(url);
    expect([got.status, got.type, got.bytes.length]).to.deep.equal([200, 'image/png', bytes.length]);
    expect(Buffer.from(got.bytes).equals(Buffer.from(bytes))).to.equal(true);
  });

  it('uploadFile(Uint8Array) with fileName and contentType options', async () => {
    const bytes = new TextEncoder().encode('plain text body');
    const done = await lastValueFrom(
      alice.client.files.uploadFile(bytes, { fileName: 'note.txt', contentType: 'text/plain' }).pipe(filter(isUploadDone)),
    );
    expect(done.response).to.deep.include({ fileName: 'note.txt', contentType: 'text/plain', fileSize: bytes.length });
    const got = await download(alice.client.files.getDownloadUrl(done.response.storageKey));
    expect(got.type).to.equal('text/plain');
    expect(new TextDecoder().decode(got.bytes)).to.equal('plain text body');
  });

  it('delete: only the uploader (403 for another user); afterwards the download and a second delete are 404', async () => {
    const done = await lastValueFrom(alice.client.files.uploadFile(pattern(100), { fileName: 'gone.bin' }).pipe(filter(isUploadDone)));
    const key = done.response.storageKey;
    const forbidden = await expectApiError(bob.client.files.delete(key), 403);
    expect(forbidden.detail).to.equal('Only the uploader can delete a file.');
    expect((await download(alice.client.files.getDownloadUrl(key))).status).to.equal(200);

    const mark = await requestMark(gw);
    expect(await firstValueFrom(alice.client.files.delete(key))).to.equal(undefined);
    const [sent] = await mark.since((r) => r.method === 'DELETE');
    expect(sent?.path).to.equal(`/api/files/${key}`); // the "/" of the key is a path separator, not %2F
    expect((await download(alice.client.files.getDownloadUrl(key))).status).to.equal(404);
    expect((await expectApiError(alice.client.files.delete(key), 404)).detail).to.equal(`File '${key}' was not found.`);
  });

  describe('presigned uploads', () => {
    let presigned: TestGateway;
    const presignedPool = new ClientPool(() => presigned);
    before(async function () {
      if (gw.external) this.skip(); // needs the embedded-only presignedUploads option
      presigned = await startTestGateway({ bot: false, presignedUploads: true });
    });
    after(async () => {
      await presignedPool.closeAll();
      await presigned?.close();
    });

    it('the PUT to the absolute presigned URL carries no Authorization; the ticket request did', async () => {
      const { client } = await presignedPool.login('carol');
      const bytes = pattern(200 * 1024);
      const mark = await requestMark(presigned);
      const events = await lastValueFrom(
        client.files.uploadFile(bytes, { fileName: 'signed.bin', contentType: 'application/octet-stream' }).pipe(toArray()),
      );
      expectUploadEvents(events, bytes.length);
      const done = events.find(isUploadDone);
      const recorded = await mark.since((r) => r.path.startsWith('/api/files/'));
      expect(recorded.map((r) => [r.method, r.authorization])).to.deep.equal([
        ['POST', true],
        ['PUT', false],
      ]);
      expect(recorded[1]?.path).to.match(/^\/api\/files\/upload\/[0-9A-Z]{26}\?expires=\d+&signature=/);
      expect(done?.response).to.deep.include({ fileName: 'signed.bin', fileSize: bytes.length });
      const got = await download(client.files.getDownloadUrl(done?.response.storageKey ?? ''));
      expect(Buffer.from(got.bytes).equals(Buffer.from(bytes))).to.equal(true);
    });
  });
});
