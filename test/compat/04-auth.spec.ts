/**
 * Seed README §4 "Xác thực — AuthApi", lines 246–291, run against `chat-client-rx/compat`.
 * The embedded gateway of this file accepts one Google ID token and one DS Account token
 * (seed-kit.ts), which stand for the seed's `googleIdToken` and `dsToken` placeholders.
 */
import { expect } from 'chai';
import { ChatApiError, type ChatClient } from '../../src/compat/index.js';
import type { AuthResponse, AuthUserInfo } from '../../src/compat/index.js';
import {
  DS_ACCOUNT_TOKEN,
  DS_ACCOUNT_USER,
  GOOGLE_ID_TOKEN,
  GOOGLE_USER,
  ISO_8601,
  captureConsole,
  expectSeedFields,
  seedSuite,
} from './seed-kit.js';

describe('seed §4 AuthApi (compat)', () => {
  const kit = seedSuite();
  const out = captureConsole();
  let client: ChatClient;
  beforeEach(() => {
    client = kit.client(); // the seed's `client`: new ChatClient({ baseUrl }) of §2
  });

  it('loginWithGoogle (lines 256–257): returns { token, user } and sets currentUser by itself', async () => {
    const googleIdToken = GOOGLE_ID_TOKEN; // placeholder in the seed: a token the embedded gateway accepts
    const { token, user } = await client.auth.loginWithGoogle(googleIdToken);
    console.log(client.currentUser); // AuthUserInfo đã được set tự động
    expect(token).to.be.a('string').and.not.equal('');
    expect(user).to.deep.include({ id: GOOGLE_USER.id, uniqueName: GOOGLE_USER.uniqueName, fullName: GOOGLE_USER.fullName, role: null });
    expect(out.lines()).to.deep.equal([[user]]);
    // "token được tự động lưu": the next request is authenticated as that user.
    expect((await client.conversations.create({ type: 'Self', participantIds: [] })).ownerId).to.equal(GOOGLE_USER.id);
  });

  it('loginWithDsAccount (line 263)', async () => {
    const dsToken = DS_ACCOUNT_TOKEN; // placeholder in the seed: a token the embedded gateway accepts
    const auth = await client.auth.loginWithDsAccount(dsToken);
    expect(auth.user).to.deep.include({ id: DS_ACCOUNT_USER.id, fullName: DS_ACCOUNT_USER.fullName, role: null });
    expect(client.currentUser).to.deep.equal(auth.user);
  });

  it('loginWithDev (line 269): a JWT with role=dev, which may manage bots', async () => {
    const auth = await client.auth.loginWithDev('devuser', 'devpass');
    expect(auth.user).to.deep.include({ id: 'devuser', uniqueName: 'devuser', role: 'dev' });
    expect(client.currentUser).to.deep.equal(auth.user);
    const bot = await client.bots.create({ uniqueName: 'auth-dev-bot', fullName: 'Dev Bot', kafkaTopic: 'auth-dev-topic' });
    expect(bot.createdBy).to.equal('devuser');
  });

  it('login(provider, body) (line 275): POST /api/auth/login/{provider} with the provider chosen at run time', async () => {
    // As written: the embedded gateway knows no 'custom-provider' and says so (400), which shows the call reached
    // /api/auth/login/custom-provider with its body.
    const failure = await client.auth.login('custom-provider', { token: '...' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).to.be.an.instanceOf(ChatApiError);
    expect(failure).to.include({ status: 400 });
    expect((failure as ChatApiError).message).to.contain("'custom-provider'");
    expect(client.currentUser).to.equal(null);
    // With a provider the gateway knows, decided at run time, the same call logs in.
    const provider = ['dsaccount'][0] as string; // not in the seed: a runtime provider name this gateway accepts
    const auth = await client.auth.login(provider, { token: DS_ACCOUNT_TOKEN }); // seed: { token: '...' }
    expect(auth.user.id).to.equal(DS_ACCOUNT_USER.id);
    expect(client.currentUser).to.deep.equal(auth.user);
  });

  it('AuthResponse / AuthUserInfo (lines 279–291): the types, and the fields a login answers with', async () => {
    const typed: AuthResponse = {
      token: 'jwt', // JWT token
      expiresAt: '2026-01-01T00:00:00Z', // ISO 8601 — thời điểm hết hạn
      user: { id: 'u', uniqueName: 'u', fullName: 'U', avatar: 'https://example.com/a.jpg', role: null },
    };
    const user: AuthUserInfo = typed.user;
    const avatar: string | undefined = user.avatar; // URL thuần (KHÔNG phải MediaReference)
    const role: string | null | undefined = user.role; // 'dev' với dev users; null với Google/DsAccount users
    expect([avatar, role]).to.deep.equal(['https://example.com/a.jpg', null]);

    const live: AuthResponse = await client.auth.loginWithDev('auth-types', 'pw');
    expectSeedFields(live, ['token', 'expiresAt', 'user'], [], 'AuthResponse');
    expectSeedFields(live.user, ['id', 'uniqueName', 'fullName'], ['avatar', 'role'], 'AuthUserInfo');
    expect(live.expiresAt).to.match(ISO_8601);
    expect(live.user.role).to.equal('dev');
    // The server writes the dev user's missing avatar as `avatar: null`; `avatar?: string` (line 289) is absent instead,
    // in the answer and in currentUser (the same object at every read).
    expect(live.user).to.not.have.property('avatar');
    expect(client.currentUser).to.deep.equal(live.user).and.not.have.property('avatar');
    expect(client.currentUser).to.equal(client.currentUser);
  });
});
