/**
 * Seed README §8 "File — FileApi", lines 636–711, run against `chat-client-rx/compat`.
 * The seed takes its `file` from an `<input type="file">`; Node has no DOM, so the tests make
 * the same `File` (a global in Node 20) from bytes.
 */
import { expect } from 'chai';
import type { ChatClient, CreateUploadUrlRequest, CreateUploadUrlResponse, UploadResponse } from '../../src/compat/index.js';
import { ISO_8601, captureConsole, expectSeedFields, seedSuite } from './seed-kit.js';

/** A JPEG-ish file of `size` bytes. */
function photo(size = 200_000, name = 'photo.jpg'): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31) % 251;
  return new File([bytes], name, { type: 'image/jpeg' });
}

describe('seed §8 FileApi (compat)', () => {
  const kit = seedSuite();
  const out = captureConsole();
  let client: ChatClient;
  beforeEach(async () => {
    client = await kit.user('files-me'); // the seed's `client`, logged in
  });

  /** The bytes the gateway serves at `downloadUrl` (relative) — public, no token. */
  async function download(downloadUrl: string): Promise<{ status: number; bytes: Uint8Array }> {
    const response = await fetch(new URL(downloadUrl, kit.url));
    return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()) };
  }

  it('uploadFile (lines 646–655): one call, progress reported, storageKey and a relative downloadUrl', async () => {
    // seed: const fileInput = document.getElementById('file') as HTMLInputElement; — no DOM in Node
    const file = photo(); // seed: const file = fileInput.files![0];

    const result = await client.files.uploadFile(file, (loaded, total) => {
      const percent = Math.round((loaded / total) * 100);
      console.log(`Upload: ${percent}%`);
    });

    console.log(result.storageKey); // Dùng làm MediaReference.storageKey
    console.log(result.downloadUrl); // Relative URL

    const printed = out.lines().map((line) => line[0]);
    expect(printed.slice(-2)).to.deep.equal([result.storageKey, result.downloadUrl]);
    const progress = printed.slice(0, -2);
    expect(progress, 'the onProgress lines').to.not.deep.equal([]);
    expect(progress[progress.length - 1]).to.equal('Upload: 100%');
    expect(result).to.deep.include({ fileName: 'photo.jpg', contentType: 'image/jpeg', fileSize: file.size });
    expect(result.downloadUrl.startsWith('/')).to.equal(true);
    expect((await download(result.downloadUrl)).bytes).to.deep.equal(new Uint8Array(await file.arrayBuffer()));
  });

  it('createUploadUrl (lines 661–665): step 1 of 2, a relative upload URL', async () => {
    const file = photo(); // the seed's `file` of the example above
    const { uploadUrl, storageKey, expiresAt } = await client.files.createUploadUrl({
      fileName: 'photo.jpg',
      contentType: 'image/jpeg',
      fileSize: file.size, // bytes, tối đa 50MB
    });
    expect(uploadUrl.startsWith('/')).to.equal(true);
    expect(storageKey).to.match(/photo\.jpg$/);
    expect(expiresAt).to.match(ISO_8601);
  });

  it('upload (lines 671–673): step 2, into the URL step 1 gave, with progress', async () => {
    const file = photo(120_000); // the seed's `file`
    const { uploadUrl, storageKey } = await client.files.createUploadUrl({
      fileName: 'photo.jpg',
      contentType: 'image/jpeg',
      fileSize: file.size,
    }); // step 1 (lines 661–665)
    const result = await client.files.upload(uploadUrl, file, (loaded, total) => {
      console.log(`${loaded}/${total}`);
    });
    expect(result.storageKey).to.equal(storageKey);
    expect(out.lines().map((line) => line[0])).to.include(`${file.size}/${file.size}`);
    expect((await download(result.downloadUrl)).bytes.length).to.equal(file.size);
  });

  it('getDownloadUrl (lines 681–682): an absolute URL under baseUrl, with the key as it is', () => {
    const url = client.files.getDownloadUrl('01HXABCDEF/photo.jpg');
    // → "https://chat-api.example.com/api/files/01HXABCDEF/photo.jpg"
    expect(url).to.equal(`${kit.url}/api/files/01HXABCDEF/photo.jpg`);
  });

  it('delete (line 688): the uploader deletes by storage key (which may contain "/")', async () => {
    const { storageKey, downloadUrl } = await client.files.uploadFile(photo(1000)); // not in the seed: a file of this user to delete
    expect(storageKey).to.contain('/');
    await client.files.delete(storageKey); // seed: '01HXABCDEF/photo.jpg', a key this gateway never issued
    expect((await download(downloadUrl)).status).to.equal(404);
  });

  it('CreateUploadUrlRequest / CreateUploadUrlResponse / UploadResponse (lines 692–711)', async () => {
    const request: CreateUploadUrlRequest = { fileName: 'a.txt', contentType: 'text/plain', fileSize: 3 };
    const response: CreateUploadUrlResponse = {
      uploadUrl: '/api/files/upload/x',
      storageKey: 'x/a.txt',
      expiresAt: '2025-01-01T00:00:00Z',
    };
    const uploaded: UploadResponse = {
      downloadUrl: '/api/files/x/a.txt',
      storageKey: 'x/a.txt',
      fileName: 'a.txt',
      contentType: 'text/plain',
      fileSize: 3,
      uploadedAt: '2025-01-01T00:00:00Z',
    };
    expect([request.fileSize, response.storageKey, uploaded.fileName]).to.deep.equal([3, 'x/a.txt', 'a.txt']);

    const live: CreateUploadUrlResponse = await client.files.createUploadUrl(request);
    expectSeedFields(live, ['uploadUrl', 'storageKey', 'expiresAt'], [], 'CreateUploadUrlResponse');
    const done: UploadResponse = await client.files.upload(live.uploadUrl, new File(['abc'], 'a.txt', { type: 'text/plain' }));
    expectSeedFields(done, ['downloadUrl', 'storageKey', 'fileName', 'contentType', 'fileSize', 'uploadedAt'], [], 'UploadResponse');
    expect(done.uploadedAt).to.match(ISO_8601);
  });
});
