/**
 * The seed 000 SDK's session features through the facade against the embedded gateway (issue
 * 21): the gateway's login carries no refresh token; one the app sets survives
 * `exportSession()` into a client restored with `session`; after the gateway expired every token,
 * the hubs' 401 runs `refreshToken` once with the refresh token in its context, the rotated
 * refresh token is kept, and REST goes on with the new token; a presigned upload's `done` event
 * carries the clean URL (the presigned URL without its signature), an upload to the gateway none.
 */
import { expect } from 'chai';
import { filter, firstValueFrom } from 'rxjs';
import type { ChatClient } from '../../../src/client.js';
import type { RefreshContext } from '../../../src/http/auth-session.js';
import { cleanUploadUrl } from '../../../src/http/clean-upload-url.js';
import { isUploadDone } from '../../../src/http/file-api.js';
import { startTestGateway, uniqueName, type TestGateway } from '../../support/test-gateway.js';
import { ClientPool, requestMark } from './client-fixtures.js';

const HOUR = 3_600_000;

describe('seed 000 session features through the facade (embedded gateway)', function () {
  this.timeout(15_000);
  let gw: TestGateway;
  const pool = new ClientPool(() => gw);

  beforeEach(async () => {
    gw = await startTestGateway({ bot: false });
  });
  afterEach(async () => {
    await pool.closeAll();
    await gw.close();
  });

  it('a gateway login carries no refresh token; one the app sets survives exportSession into a restored client', async () => {
    const { client, user } = await pool.login('rt-export');
    expect(client.getRefreshToken()).to.equal(null);
    expect(client.isRefreshSessionExpired(), 'no refresh token counts as expired').to.equal(true);
    expect(client.exportSession()).not.to.have.any.keys('refreshToken', 'refreshExpiresAt');

    const refreshExpiresAt = Date.now() + HOUR;
    client.setRefreshToken('idp-refresh-1', refreshExpiresAt);
    expect(client.isRefreshSessionExpired()).to.equal(false);
    expect(client.isRefreshSessionExpired(2 * HOUR)).to.equal(true);
    const saved = JSON.parse(JSON.stringify(client.exportSession()));
    expect(saved).to.deep.include({ refreshToken: 'idp-refresh-1', refreshExpiresAt: new Date(refreshExpiresAt).toISOString() });

    const restored = pool.create({ session: saved });
    expect(restored.getRefreshToken()).to.equal('idp-refresh-1');
    expect(restored.currentUser?.id).to.equal(user.id);
    const me = await firstValueFrom(restored.participants.getById(user.id));
    expect(me.id, 'the restored token works').to.equal(user.id);
  });

  it('after the gateway expired every token, the hubs’ 401 refreshes once with the refresh token and rotates it; REST goes on', async () => {
    const name = uniqueName('rt-rotate');
    const contexts: RefreshContext[] = [];
    const client: ChatClient = pool.create({
      // As an app would: the identity provider's refresh (here: none) then a new gateway login
      // through the client itself, which keeps the refresh token (same user), then rotation.
      refreshToken: async (context) => {
        contexts.push(context);
        const fresh = await firstValueFrom(client.auth.loginWithDev(name, 'dev'));
        expect(client.getRefreshToken(), 'the re-login kept it').to.equal('idp-refresh-1');
        return { token: fresh.token, expiresAt: fresh.expiresAt, refreshToken: 'idp-refresh-2', refreshExpiresAt: Date.now() + HOUR };
      },
    });
    await firstValueFrom(client.auth.loginWithDev(name, 'dev'));
    const oldToken = client.exportSession().token;
    client.setRefreshToken('idp-refresh-1', Date.now() + HOUR);

    await gw.faults.expireTokens();
    await firstValueFrom(client.connect(), { defaultValue: undefined });
    expect(contexts).to.have.length(1);
    expect(contexts[0]).to.deep.include({ token: oldToken, refreshToken: 'idp-refresh-1' });
    expect(contexts[0]?.refreshExpiresAt).to.be.a('number');
    expect(client.getRefreshToken()).to.equal('idp-refresh-2');
    expect(client.exportSession().token).not.to.equal(oldToken);

    const me = await firstValueFrom(client.participants.getById(name));
    expect(me.id).to.equal(name);
    expect(contexts, 'REST used the refreshed token: no second refresh').to.have.length(1);
    const requests = await gw.fetchRequests();
    expect(JSON.stringify(requests), 'no request path carries the refresh token').not.to.include('idp-refresh');
  });

  it('an upload to the gateway itself (relative upload URL) has no cleanUrl', async () => {
    const { client } = await pool.login('rt-upload');
    const done = await firstValueFrom(
      client.files
        .uploadFile(new Uint8Array(64), { fileName: 'own.bin', contentType: 'application/octet-stream' })
        .pipe(filter(isUploadDone)),
    );
    expect(done).not.to.have.property('cleanUrl');
    expect(done.response.downloadUrl).to.match(/^\/api\/files\//);
  });

  describe('presigned uploads', () => {
    let presigned: TestGateway;
    const presignedPool = new ClientPool(() => presigned);
    before(async function () {
      if (process.env.CHAT_GATEWAY_URL) this.skip(); // needs the embedded-only presignedUploads option
      presigned = await startTestGateway({ bot: false, presignedUploads: true });
    });
    after(async () => {
      await presignedPool.closeAll();
      await presigned?.close();
    });

    it('done.cleanUrl is the presigned URL the file was PUT to, without its signature query', async () => {
      const { client } = await presignedPool.login('rt-presigned');
      const mark = await requestMark(presigned);
      const done = await firstValueFrom(
        client.files.uploadFile(new Uint8Array(128).fill(5), { fileName: 'signed.bin' }).pipe(filter(isUploadDone)),
      );
      const [, put] = await mark.since((r) => r.path.startsWith('/api/files/'));
      expect(put?.method).to.equal('PUT');
      expect(put?.path).to.match(/\?expires=\d+&signature=/);
      const cleanUrl = done.cleanUrl ?? '';
      expect(cleanUrl).to.match(/^http:\/\/(localhost|127\.0\.0\.1):\d+\/api\/files\/upload\/[0-9A-Z]{26}$/);
      expect(new URL(cleanUrl).pathname).to.equal(put?.path.split('?')[0]);
      expect(cleanUploadUrl(`${new URL(cleanUrl).origin}${put?.path ?? ''}`)).to.equal(cleanUrl);
      expect(done.response).to.deep.include({ fileName: 'signed.bin', fileSize: 128 });
    });
  });
});
