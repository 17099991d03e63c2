import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { ChatApiError } from '../../src/http/chat-api-error.js';
import { errorOf, expectCall, restFor, useGateway } from './helpers.js';

describe('AuthApi (fake gateway)', () => {
  const ctx = useGateway();

  it('loginWithDev posts {username, password} without a token, then stores token and user in the session', async () => {
    const rest = restFor(ctx.gateway, { token: null });
    const [response] = await expectCall(ctx.gateway, rest.auth.loginWithDev('alice', 'pw'), {
      method: 'POST',
      path: '/api/auth/login/dev',
      body: { username: 'alice', password: 'pw' },
      auth: false,
    });
    expect(response?.token).to.equal('issued-1');
    expect(rest.session.getToken()).to.equal('issued-1');
    expect(rest.session.tokenExpiresAt()).to.equal(Date.parse('2030-01-01T00:00:00Z'));
    expect((await firstValueFrom(rest.session.currentUser$))?.id).to.equal('alice');
    // the stored token is used by the next call
    await firstValueFrom(rest.conversations.getById('c1'));
    expect(ctx.gateway.requests[1]?.headers.authorization).to.equal('Bearer issued-1');
  });

  it('loginWithGoogle and loginWithDsAccount send their provider bodies', async () => {
    const rest = restFor(ctx.gateway, { token: null });
    await expectCall(ctx.gateway, rest.auth.loginWithGoogle('g-id'), {
      method: 'POST',
      path: '/api/auth/login/google',
      body: { idToken: 'g-id' },
      auth: false,
    });
    await expectCall(ctx.gateway, rest.auth.loginWithDsAccount('ds'), {
      method: 'POST',
      path: '/api/auth/login/dsaccount',
      body: { token: 'ds' },
      auth: false,
    });
  });

  it('login(provider, body) for a custom provider', async () => {
    const rest = restFor(ctx.gateway, { token: null });
    await expectCall(ctx.gateway, rest.auth.login('custom-provider', { token: 'x' }), {
      method: 'POST',
      path: '/api/auth/login/custom-provider',
      body: { token: 'x' },
      auth: false,
    });
  });

  it('a failed login errors with a 401 ChatApiError and leaves the session alone', async () => {
    const rest = restFor(ctx.gateway, { token: null });
    const error = await errorOf(rest.auth.loginWithDev('alice', 'wrong'));
    expect(ChatApiError.is(error) && [error.status, error.message]).to.deep.equal([401, 'Invalid credentials']);
    expect(rest.session.getToken()).to.equal(null);
    expect(rest.session.currentUser).to.equal(null);
  });
});
