/**
 * The client's `auth`, `participants` and `health` groups against the embedded gateway: every
 * login flavour (dev, Google, DS Account, the generic `login(provider, body)`), wrong
 * credentials as a `ChatApiError` 401, `currentUser$` and `exportSession()` after a login and a
 * client restored from the exported session; participant upsert, lookups, batch (unknown ids
 * skipped) and 404; the liveness text and the readiness `HealthStatus`.
 */
import { expect } from 'chai';
import { firstValueFrom, take, toArray } from 'rxjs';
import { createChatClient } from '../../../src/client.js';
import { ChatApiError } from '../../../src/http/chat-api-error.js';
import { startTestGateway, uniqueName, type TestGateway } from '../../support/test-gateway.js';
import { ClientPool, ISO_FORMAT, TIMESPAN_FORMAT, expectApiError, requestMark, requestTo } from './client-fixtures.js';

const GOOGLE_TOKEN = `google-id-token-${uniqueName('g')}`;
const DS_TOKEN = `ds-account-token-${uniqueName('ds')}`;
const GOOGLE_USER = {
  id: uniqueName('google-user'),
  fullName: 'Grace Google',
  uniqueName: uniqueName('grace'),
  avatar: 'https://cdn.example.com/grace.png',
};
const DS_USER = { id: uniqueName('ds-user'), fullName: 'Dan Ds' };

describe('REST client against the embedded gateway: auth, participants, health', function () {
  this.timeout(10_000);
  let gw: TestGateway;
  const pool = new ClientPool(() => gw);

  before(async () => {
    gw = await startTestGateway({
      bot: false,
      devPassword: 'dev',
      googleTokens: { [GOOGLE_TOKEN]: GOOGLE_USER },
      dsAccountTokens: { [DS_TOKEN]: DS_USER },
    });
  });
  after(async () => {
    await pool.closeAll();
    await gw.close();
  });

  describe('auth', () => {
    it('loginWithDev: token, expiry and user with role "dev"; currentUser$ goes from null to the user', async () => {
      const client = pool.create();
      const name = uniqueName('dev');
      const seen = firstValueFrom(client.currentUser$.pipe(take(2), toArray()));
      const response = await firstValueFrom(client.auth.loginWithDev(name, 'dev'));
      expect(response.user).to.deep.equal({ id: name, uniqueName: name, fullName: name, role: 'dev', avatar: null });
      expect(response.token.split('.')).to.have.length(3);
      expect(response.expiresAt).to.match(ISO_FORMAT);
      expect(Date.parse(response.expiresAt)).to.be.greaterThan(Date.now());
      expect(await seen).to.deep.equal([null, response.user]);
      expect(client.currentUser).to.deep.equal(response.user);
      // The stored token is the one later requests carry: a call that needs the JWT works.
      const me = await firstValueFrom(client.participants.getById(name));
      expect(me.id).to.equal(name);
    });

    it('loginWithDev with a wrong password: ChatApiError 401, no user, no token', async function () {
      if (gw.external) this.skip(); // needs the embedded-only devPassword option
      const client = pool.create();
      const error = await expectApiError(client.auth.loginWithDev(uniqueName('dev'), 'not-the-password'), 401);
      expect(error.title).to.equal('Unauthorized');
      expect(error.detail).to.equal('The credentials are not valid.');
      expect(client.currentUser).to.equal(null);
      expect(client.exportSession().token).to.equal(null);
    });

    it('loginWithGoogle: the user the ID token stands for (no dev role); an unknown token is a 401', async function () {
      if (gw.external) this.skip(); // needs the embedded-only googleTokens option
      const client = pool.create();
      const response = await firstValueFrom(client.auth.loginWithGoogle(GOOGLE_TOKEN));
      expect(response.user).to.deep.equal({
        id: GOOGLE_USER.id,
        uniqueName: GOOGLE_USER.uniqueName,
        fullName: GOOGLE_USER.fullName,
        role: null,
        avatar: GOOGLE_USER.avatar,
      });
      expect(client.currentUser).to.deep.equal(response.user);
      const participant = await firstValueFrom(client.participants.getById(GOOGLE_USER.id));
      expect(participant).to.deep.include({ fullName: 'Grace Google', uniqueName: GOOGLE_USER.uniqueName, isBot: false });

      const other = pool.create();
      await expectApiError(other.auth.loginWithGoogle('not-a-google-token'), 401);
      expect(other.currentUser).to.equal(null);
    });

    it('loginWithDsAccount: the user the DS token stands for (uniqueName = id); an unknown token is a 401', async function () {
      if (gw.external) this.skip(); // needs the embedded-only dsAccountTokens option
      const client = pool.create();
      const response = await firstValueFrom(client.auth.loginWithDsAccount(DS_TOKEN));
      expect(response.user).to.deep.equal({ id: DS_USER.id, uniqueName: DS_USER.id, fullName: 'Dan Ds', role: null, avatar: null });
      expect((await firstValueFrom(client.participants.getById(DS_USER.id))).fullName).to.equal('Dan Ds');

      await expectApiError(pool.create().auth.loginWithDsAccount(`${DS_TOKEN}-tampered`), 401);
    });

    it('login(provider, body): the generic call posts the body to the provider; an unsupported provider is a 400', async () => {
      const client = pool.create();
      const name = uniqueName('generic');
      const mark = await requestMark(gw);
      const response = await firstValueFrom(client.auth.login('dev', { username: name, password: 'dev' }));
      expect(response.user).to.deep.include({ id: name, role: 'dev' });
      expect(client.currentUser?.id).to.equal(name);
      expect(await mark.since(requestTo('POST', '/api/auth/login/dev'))).to.have.length(1);

      const error = await expectApiError(client.auth.login('no-such-provider', { token: 'x' }), 400);
      expect(error.detail).to.equal("Unsupported login provider 'no-such-provider'.");
      // A failed login leaves the previous session alone.
      expect(client.currentUser?.id).to.equal(name);
    });

    it('exportSession() after a login, and a client restored from it works without logging in', async () => {
      const client = pool.create();
      const name = uniqueName('restore');
      expect(client.exportSession()).to.deep.equal({ token: null, expiresAt: null, user: null, baseUrl: gw.url });
      const response = await firstValueFrom(client.auth.loginWithDev(name, 'dev'));
      const snapshot = client.exportSession();
      // The session keeps the expiry as an instant (written back as `toISOString()`), whatever form the server used.
      expect(snapshot).to.deep.equal({
        token: response.token,
        expiresAt: new Date(Date.parse(response.expiresAt)).toISOString(),
        user: response.user,
        baseUrl: gw.url,
      });

      // Through JSON, as it would be kept in localStorage.
      const restored = pool.create({ session: JSON.parse(JSON.stringify(snapshot)) });
      expect(restored.currentUser).to.deep.equal(response.user);
      expect(await firstValueFrom(restored.currentUser$)).to.deep.equal(response.user);
      const mark = await requestMark(gw);
      const me = await firstValueFrom(restored.participants.getById(name));
      expect(me.id).to.equal(name);
      expect((await mark.since(requestTo('GET', `/api/participants/${name}`))).map((r) => r.authorization)).to.deep.equal([true]);

      // Without the session the same call is refused: the restored token is what made it work.
      await expectApiError(pool.create().participants.getById(name), 401);
    });
  });

  describe('participants', () => {
    it('createOrUpdate creates, then updates the same id; getById and getByUniqueName return it', async () => {
      const { client } = await pool.login('alice');
      const id = uniqueName('p');
      const handle = uniqueName('handle');
      const created = await firstValueFrom(
        client.participants.createOrUpdate({
          id,
          uniqueName: handle,
          fullName: 'Paula Participant',
          gender: 'female',
          avatar: { url: 'https://cdn.example.com/p.png' },
        }),
      );
      expect(created).to.deep.include({
        id,
        uniqueName: handle,
        fullName: 'Paula Participant',
        gender: 'female',
        isBot: false,
        isOnline: false,
      });
      expect(created.avatar).to.deep.include({ url: 'https://cdn.example.com/p.png' });
      expect(created.createdAt).to.match(ISO_FORMAT);

      const updated = await firstValueFrom(client.participants.createOrUpdate({ id, uniqueName: handle, fullName: 'Paula Renamed' }));
      expect(updated).to.deep.include({ id, fullName: 'Paula Renamed', createdAt: created.createdAt });

      const byId = await firstValueFrom(client.participants.getById(id));
      const byName = await firstValueFrom(client.participants.getByUniqueName(handle));
      expect(byId).to.deep.include({ id, uniqueName: handle, fullName: 'Paula Renamed' });
      expect(byName).to.deep.equal(byId);
    });

    it('getBatch returns the known participants in the order asked and skips unknown ids', async () => {
      const { client, user } = await pool.login('batcher');
      const other = await pool.login('other');
      const unknown = uniqueName('nobody');
      const batch = await firstValueFrom(client.participants.getBatch([other.user.id, unknown, user.id]));
      expect(batch.map((p) => p.id)).to.deep.equal([other.user.id, user.id]);
      expect(batch[0]).to.deep.include({ fullName: other.user.fullName, isBot: false });
      expect(await firstValueFrom(client.participants.getBatch([unknown]))).to.deep.equal([]);
    });

    it('an unknown id or unique name is a ChatApiError 404 with the ProblemDetails', async () => {
      const { client } = await pool.login('seeker');
      const missing = uniqueName('missing');
      const byId = await expectApiError(client.participants.getById(missing), 404);
      expect({ title: byId.title, detail: byId.detail }).to.deep.equal({
        title: 'Not Found',
        detail: `Participant '${missing}' was not found.`,
      });
      expect(byId.type).to.be.a('string');
      const byName = await expectApiError(client.participants.getByUniqueName(missing), 404);
      expect(byName.message).to.equal(`Participant '${missing}' was not found.`);
    });

    it('a unique name taken by another id is a 409', async () => {
      const { client } = await pool.login('taker');
      const handle = uniqueName('taken');
      await firstValueFrom(client.participants.createOrUpdate({ id: uniqueName('first'), uniqueName: handle, fullName: 'First' }));
      const error = await expectApiError(
        client.participants.createOrUpdate({ id: uniqueName('second'), uniqueName: handle, fullName: 'Second' }),
        409,
      );
      expect(error.detail).to.equal(`The unique name '${handle}' is already taken.`);
    });
  });

  describe('health', () => {
    it('live() emits the text "Healthy" without a token', async () => {
      const client = pool.create();
      const mark = await requestMark(gw);
      expect(await firstValueFrom(client.health.live())).to.equal('Healthy');
      expect((await mark.since(requestTo('GET', '/health/live'))).map((r) => r.authorization)).to.deep.equal([false]);
    });

    it('ready() emits the HealthStatus with TimeSpan durations for every check', async () => {
      const health = await firstValueFrom(pool.create().health.ready());
      expect(health.status).to.equal('Healthy');
      expect(health.totalDuration).to.match(TIMESPAN_FORMAT);
      const names = Object.keys(health.results);
      expect(names).to.include.members(['store', 'signalr']);
      for (const name of names) {
        const result = health.results[name];
        expect(result?.status, name).to.equal('Healthy');
        expect(result?.duration, name).to.match(TIMESPAN_FORMAT);
        expect(result?.error, name).to.equal(null);
      }
    });

    it('a gateway that is gone is a network ChatApiError (status 0), not a made-up status', async function () {
      if (gw.external) this.skip(); // starts and closes a gateway of its own
      const dead = await startTestGateway({ bot: false });
      const url = dead.url;
      await dead.close();
      const orphan = createChatClient({ baseUrl: url });
      try {
        await firstValueFrom(orphan.health.live());
        expect.fail('health.live() of a closed gateway succeeded');
      } catch (error) {
        expect(ChatApiError.is(error), String(error)).to.equal(true);
        expect({ kind: (error as ChatApiError).kind, status: (error as ChatApiError).status }).to.deep.equal({
          kind: 'network',
          status: 0,
        });
      } finally {
        await orphan.disconnect();
      }
    });
  });
});
