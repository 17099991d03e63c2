/**
 * REST: logins (google, dsaccount, dev), the JWT the gateway issues, and 401 on protected
 * routes (missing, invalid, tampered and expired tokens).
 */
import { expect } from 'chai';
import { AuthResponse, ParticipantDto } from '../../src/codecs/index.js';
import { startTestGateway, uniqueName, type TestGateway } from '../support/test-gateway.js';
import { waitFor } from '../support/wait.js';
import { ISO_FORMAT, api, decodeJwt, expectOk, expectProblem } from './gateway-helpers.js';

describe('gateway REST: auth', () => {
  let gw: TestGateway;
  const googleId = uniqueName('g-user');
  const dsId = uniqueName('ds-user');

  before(async () => {
    gw = await startTestGateway({
      bot: false,
      devPassword: 'dev',
      googleTokens: { 'good-google-token': { id: googleId, fullName: 'Gina Google', avatar: 'https://img.example/g.png' } },
      dsAccountTokens: { 'good-ds-token': { id: dsId, fullName: 'Dan Ds', uniqueName: `${dsId}-name` } },
    });
  });
  after(async () => gw.close());

  describe('dev login', () => {
    it('creates the participant with id = uniqueName = username and returns a dev token', async () => {
      const username = uniqueName('dev');
      const before = Date.now();
      const auth = expectOk(await api(gw, 'POST', '/api/auth/login/dev', { body: { username, password: 'dev' } }), 200, AuthResponse);
      expect(auth.user).to.deep.equal({ id: username, uniqueName: username, fullName: username, role: 'dev', avatar: null });
      expect(auth.expiresAt).to.match(ISO_FORMAT);

      const participant = expectOk(await api(gw, 'GET', `/api/participants/${username}`, { token: auth.token }), 200, ParticipantDto);
      expect([participant.id, participant.uniqueName, participant.fullName, participant.isBot]).to.deep.equal([
        username,
        username,
        username,
        false,
      ]);

      const { header, payload } = decodeJwt(auth.token);
      expect(header.alg).to.equal('HS256');
      expect(payload.sub).to.equal(username);
      expect(payload.role).to.equal('dev');
      expect(payload.exp).to.be.a('number');
      // exp is in seconds and matches expiresAt; the default lifetime is one hour.
      expect((payload.exp as number) * 1000).to.equal(Date.parse(auth.expiresAt));
      expect((payload.exp as number) * 1000 - before).to.be.within(3_590_000, 3_610_000);
    });

    it('logs the same user in again without creating a second participant', async () => {
      const username = uniqueName('dev-again');
      const first = expectOk(await api(gw, 'POST', '/api/auth/login/dev', { body: { username, password: 'dev' } }), 200, AuthResponse);
      const second = expectOk(await api(gw, 'POST', '/api/auth/login/dev', { body: { username, password: 'dev' } }), 200, AuthResponse);
      expect(second.user).to.deep.equal(first.user);
      const byName = expectOk(
        await api(gw, 'GET', `/api/participants/by-unique-name/${username}`, { token: second.token }),
        200,
        ParticipantDto,
      );
      expect(byName.id).to.equal(username);
    });

    it('rejects a wrong password (when the gateway is configured with one) with 401', async function () {
      if (gw.external) this.skip(); // the password is this suite's gateway option
      expectProblem(await api(gw, 'POST', '/api/auth/login/dev', { body: { username: uniqueName('dev'), password: 'wrong' } }), 401);
    });

    it('rejects an empty username with 400 naming username', async () => {
      expectProblem(await api(gw, 'POST', '/api/auth/login/dev', { body: { username: '  ', password: 'dev' } }), 400, ['username']);
    });

    it('rejects wrong types with 400 naming the field', async () => {
      expectProblem(await api(gw, 'POST', '/api/auth/login/dev', { body: { username: 42, password: 'dev' } }), 400, ['username']);
    });

    it('rejects a body that is not JSON with 400', async () => {
      expectProblem(await api(gw, 'POST', '/api/auth/login/dev', { rawBody: '{"username": "x",' }), 400, ['$']);
    });

    it('rejects a missing body with 400', async () => {
      expectProblem(await api(gw, 'POST', '/api/auth/login/dev'), 400);
    });
  });

  describe('google and dsaccount logins', () => {
    // The accepted tokens are this suite's gateway options.
    beforeEach(function () {
      if (gw.external) this.skip();
    });

    it('google: accepts a configured ID token and returns that user with no role', async () => {
      const auth = expectOk(await api(gw, 'POST', '/api/auth/login/google', { body: { idToken: 'good-google-token' } }), 200, AuthResponse);
      expect(auth.user).to.deep.equal({
        id: googleId,
        uniqueName: googleId,
        fullName: 'Gina Google',
        role: null,
        avatar: 'https://img.example/g.png',
      });
      const { payload } = decodeJwt(auth.token);
      expect(payload.sub).to.equal(googleId);
      expect(payload).not.to.have.property('role');
      const me = expectOk(await api(gw, 'GET', `/api/participants/${googleId}`, { token: auth.token }), 200, ParticipantDto);
      expect(me.avatar).to.deep.equal({ storageKey: null, url: 'https://img.example/g.png' });
    });

    it('google: rejects another ID token with 401', async () => {
      expectProblem(await api(gw, 'POST', '/api/auth/login/google', { body: { idToken: 'forged' } }), 401);
    });

    it('google: rejects a body without idToken with 400 naming idToken', async () => {
      expectProblem(await api(gw, 'POST', '/api/auth/login/google', { body: { token: 'good-google-token' } }), 400, ['idToken']);
    });

    it('dsaccount: accepts a configured token, keeping its unique name', async () => {
      const auth = expectOk(await api(gw, 'POST', '/api/auth/login/dsaccount', { body: { token: 'good-ds-token' } }), 200, AuthResponse);
      expect(auth.user).to.deep.equal({ id: dsId, uniqueName: `${dsId}-name`, fullName: 'Dan Ds', role: null, avatar: null });
      expect(decodeJwt(auth.token).payload.sub).to.equal(dsId);
    });

    it('dsaccount: rejects another token with 401', async () => {
      expectProblem(await api(gw, 'POST', '/api/auth/login/dsaccount', { body: { token: 'good-google-token' } }), 401);
    });

    it('an unknown provider is a 400 naming provider', async () => {
      expectProblem(await api(gw, 'POST', '/api/auth/login/myspace', { body: { token: 'x' } }), 400, ['provider']);
    });
  });

  describe('401 on protected routes', () => {
    it('without an Authorization header', async () => {
      const res = await api(gw, 'GET', '/api/conversations');
      expect(res.status).to.equal(401);
      expect(res.headers.get('www-authenticate') ?? '').to.match(/^Bearer/);
    });

    it('with a token that is not a JWT', async () => {
      expect((await api(gw, 'GET', '/api/conversations', { token: 'not-a-jwt' })).status).to.equal(401);
    });

    it('with a JWT whose payload was tampered with', async () => {
      const auth = await gw.login(uniqueName('tamper'));
      const [header, , signature] = auth.token.split('.');
      const forged = Buffer.from(JSON.stringify({ ...decodeJwt(auth.token).payload, sub: 'someone-else' })).toString('base64url');
      expect((await api(gw, 'GET', '/api/conversations', { token: `${header}.${forged}.${signature}` })).status).to.equal(401);
      // The untouched token still works, so the 401 is the tampering.
      expect((await api(gw, 'GET', '/api/conversations', { token: auth.token })).status).to.equal(200);
    });

    it('with a JWT signed with another key', async function () {
      if (gw.external) this.skip(); // needs a second gateway
      const other = await startTestGateway({ bot: false });
      try {
        const foreign = await other.login(uniqueName('foreign'));
        expect((await api(gw, 'GET', '/api/conversations', { token: foreign.token })).status).to.equal(401);
      } finally {
        await other.close();
      }
    });
  });

  describe('expired tokens', () => {
    let expiring: TestGateway;
    before(async () => {
      expiring = await startTestGateway({ bot: false });
    });
    after(async () => expiring.close());

    it('every token issued before faults.expireTokens() is refused with 401; a new login works', async () => {
      const auth = await expiring.login(uniqueName('expire'));
      expect((await api(expiring, 'GET', '/api/conversations', { token: auth.token })).status).to.equal(200);
      await expiring.faults.expireTokens();
      const res = await api(expiring, 'GET', '/api/conversations', { token: auth.token });
      expect(res.status).to.equal(401);
      expect(res.headers.get('www-authenticate') ?? '').to.contain('invalid_token');
      const again = await expiring.login(uniqueName('expire'));
      expect((await api(expiring, 'GET', '/api/conversations', { token: again.token })).status).to.equal(200);
    });

    it('a token past its exp is refused (tokenLifetimeMs)', async function () {
      if (!gw.embedded) this.skip();
      const shortLived = await startTestGateway({ bot: false, tokenLifetimeMs: 1 });
      try {
        // exp has a one-second resolution: the token is expired once the next second starts.
        const auth = await shortLived.login(uniqueName('short'));
        expect(Date.parse(auth.expiresAt) - Date.now()).to.be.below(1000);
        await waitFor(
          async () => (await api(shortLived, 'GET', '/api/conversations', { token: auth.token })).status === 401,
          5000,
          'the token to expire',
        );
      } finally {
        await shortLived.close();
      }
    });
  });
});
