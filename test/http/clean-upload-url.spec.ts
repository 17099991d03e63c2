/**
 * `cleanUploadUrl` (the seed 000 SDK's "clean CDN URL": a presigned URL without its query), and
 * the upload `done` event's `cleanUrl`: present for a presigned upload on another origin,
 * absent for an upload to the gateway itself.
 */
import { expect } from 'chai';
import { filter, firstValueFrom } from 'rxjs';
import { InvalidArgumentError } from '../../src/core/invalid-argument-error.js';
import { cleanUploadUrl } from '../../src/http/clean-upload-url.js';
import { isUploadDone } from '../../src/http/file-api.js';
import { cleanUploadUrl as fromRoot } from '../../src/index.js';
import { startTestGateway, type TestGateway } from './fake-gateway.js';
import { restFor, useGateway } from './helpers.js';

describe('cleanUploadUrl', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    [
      'the seed 000 example: S3 signature query dropped',
      'https://cdn.mezon.ai/file.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc',
      'https://cdn.mezon.ai/file.png',
    ],
    ['fragment dropped', 'https://cdn.example.com/a/b.png#frag', 'https://cdn.example.com/a/b.png'],
    ['query and fragment dropped', 'https://cdn.example.com/a.png?sig=1#x', 'https://cdn.example.com/a.png'],
    ['nothing to drop', 'https://cdn.example.com/01HX/a.png', 'https://cdn.example.com/01HX/a.png'],
    ['port kept', 'http://localhost:9000/bucket/key.bin?expires=1&signature=s', 'http://localhost:9000/bucket/key.bin'],
    ['default port dropped', 'https://cdn.example.com:443/a.png?x=1', 'https://cdn.example.com/a.png'],
    ['credentials dropped', 'https://user:secret@cdn.example.com/a.png?x=1', 'https://cdn.example.com/a.png'],
    ['scheme and host lower-cased', 'HTTPS://CDN.Example.COM/Key/A.png?x=1', 'https://cdn.example.com/Key/A.png'],
    ['percent-encoding kept', 'https://cdn.example.com/01HX/photo%20one.png?sig=1', 'https://cdn.example.com/01HX/photo%20one.png'],
    ['a space encoded as the URL parser does', 'https://cdn.example.com/my file.png?sig=1', 'https://cdn.example.com/my%20file.png'],
    ['dot-segments resolved', 'https://cdn.example.com/a/../b/./c.png?sig=1', 'https://cdn.example.com/b/c.png'],
    ['an empty query', 'https://cdn.example.com/a.png?', 'https://cdn.example.com/a.png'],
    ['a host without a path', 'https://cdn.example.com?sig=1', 'https://cdn.example.com/'],
    ['a ? inside the fragment', 'https://cdn.example.com/a.png#x?y', 'https://cdn.example.com/a.png'],
    ['relative (the gateway’s own): query dropped, not resolved', '/api/files/upload/01HX?expires=1&signature=x', '/api/files/upload/01HX'],
    ['relative without a query: unchanged', '/api/files/upload/01HX/a.jpg', '/api/files/upload/01HX/a.jpg'],
    ['relative without a leading slash', 'upload/a.jpg?sig=1', 'upload/a.jpg'],
    ['protocol-relative: kept as given up to the query', '//cdn.example.com/a.png?sig=1', '//cdn.example.com/a.png'],
    ['relative fragment', '/a.png#top', '/a.png'],
  ];
  for (const [what, presigned, clean] of cases) {
    it(`${what}: ${presigned} → ${clean}`, () => {
      expect(cleanUploadUrl(presigned)).to.equal(clean);
    });
  }

  const refused: ReadonlyArray<readonly [string, unknown]> = [
    ['an empty string', ''],
    ['a blank string', '   '],
    ['a number', 42],
    ['null', null],
    ['a data: URL', 'data:text/plain,hello'],
    ['a blob: URL', 'blob:https://example.com/1234'],
    ['an ftp: URL', 'ftp://files.example.com/a.png?x=1'],
    ['an http URL without a host', 'https://?sig=1'],
  ];
  for (const [what, value] of refused) {
    it(`refuses ${what} (InvalidArgumentError "presignedUrl")`, () => {
      expect(() => cleanUploadUrl(value as string))
        .to.throw(InvalidArgumentError)
        .with.property('argument', 'presignedUrl');
    });
  }

  it('never quotes the URL (with its signature) in the error', () => {
    expect(() => cleanUploadUrl('ftp://host/a?X-Amz-Signature=topsecret'))
      .to.throw(InvalidArgumentError)
      .that.satisfies((e: Error) => !e.message.includes('topsecret'));
  });

  it('is exported from the package root', () => {
    expect(fromRoot).to.equal(cleanUploadUrl);
  });
});

describe('upload done event: cleanUrl (fake gateway)', () => {
  const ctx = useGateway();
  const file = new Uint8Array(16).fill(3);

  it('an upload to the gateway (relative upload URL) has no cleanUrl: use response.downloadUrl', async () => {
    const done = await firstValueFrom(restFor(ctx.gateway).files.uploadFile(file, { fileName: 'g.bin' }).pipe(filter(isUploadDone)));
    expect(done).not.to.have.property('cleanUrl');
    expect(done.response.storageKey).to.equal('01HXKEY/g.bin');
  });

  it('an absolute upload URL on the gateway origin has no cleanUrl either', async () => {
    const done = await firstValueFrom(
      restFor(ctx.gateway).files.upload(`${ctx.gateway.url}/api/files/upload/01HXKEY/o.bin?sig=abc`, file).pipe(filter(isUploadDone)),
    );
    expect(done).not.to.have.property('cleanUrl');
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

    it('uploadFile: done carries the presigned URL without its query; the PUT went to the full presigned URL', async () => {
      storage.override('PUT', '/api/files/upload/*key', () => ({ status: 200 }));
      const done = await firstValueFrom(
        restFor(ctx.gateway).files.uploadFile(file, { fileName: 'doc.pdf', contentType: 'application/pdf' }).pipe(filter(isUploadDone)),
      );
      const put = storage.requests[0];
      expect(put?.url).to.match(/\?/);
      expect(done.cleanUrl).to.equal(`${storage.url}/api/files/upload/01HXKEY/doc.pdf`);
      expect(done.cleanUrl).to.equal(cleanUploadUrl(`${storage.url}${put?.url ?? ''}`));
      expect(done.response.storageKey).to.equal('01HXKEY/doc.pdf');
    });

    it('upload(presignedUrl): cleanUrl drops the signature and fragment', async () => {
      storage.override('PUT', '/bucket/*key', () => ({ status: 200 }));
      const done = await firstValueFrom(
        restFor(ctx.gateway)
          .files.upload(`${storage.url}/bucket/01HX/a.png?X-Amz-Signature=abc#f`, file, { storageKey: '01HX/a.png' })
          .pipe(filter(isUploadDone)),
      );
      expect(done.cleanUrl).to.equal(`${storage.url}/bucket/01HX/a.png`);
      expect(storage.requests[0]?.url).to.equal('/bucket/01HX/a.png?X-Amz-Signature=abc');
    });
  });
});
