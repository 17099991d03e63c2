import * as t from 'io-ts';
import {
  AuthResponse,
  CreateOrUpdateParticipantRequest,
  DevLoginRequest,
  DsAccountLoginRequest,
  GetParticipantsBatchRequest,
  GoogleLoginRequest,
  ParticipantDto,
} from '../../codecs/index.js';
import { badRequest, forbidden, GatewayError } from '../gateway-error.js';
import { sendJson } from '../http-util.js';
import type { RestApiDeps, TestLoginProfile } from '../rest-api.js';
import { writeNulls } from '../stj-profile.js';
import { body, param, type Context, type RouteRegistrar } from './router.js';

const ParticipantList = t.array(ParticipantDto);

/** `POST /api/auth/login/{provider}` (google, dsaccount, dev) and the participant routes. */
export function addAuthAndParticipantRoutes(r: RouteRegistrar, deps: RestApiDeps): void {
  const { chat } = deps;
  r.add('auth.login', false, (ctx) => login(ctx, deps));

  // A user writes only their own profile; a token with role=dev (dev logins, tooling) may write any.
  r.add('participants.createOrUpdate', true, async (ctx) => {
    const request = await body(ctx, CreateOrUpdateParticipantRequest);
    if (ctx.user.role !== 'dev' && request.id !== ctx.user.userId) throw forbidden('You can only create or update your own participant.');
    sendJson(ctx.res, 200, writeNulls(ParticipantDto, chat.upsertParticipant(request)));
  });
  r.add('participants.getBatch', true, async (ctx) =>
    sendJson(ctx.res, 200, writeNulls(ParticipantList, chat.getParticipantBatch((await body(ctx, GetParticipantsBatchRequest)).ids))),
  );
  r.add('participants.getByUniqueName', true, (ctx) =>
    sendJson(ctx.res, 200, writeNulls(ParticipantDto, chat.getParticipantByUniqueName(param(ctx, 'uniqueName')))),
  );
  r.add('participants.getById', true, (ctx) => sendJson(ctx.res, 200, writeNulls(ParticipantDto, chat.getParticipant(param(ctx, 'id')))));
}

async function login(ctx: Context, deps: RestApiDeps): Promise<void> {
  const provider = param(ctx, 'provider').toLowerCase();
  let profile: TestLoginProfile | undefined;
  let role: string | null = null;
  if (provider === 'google') {
    const { idToken } = await body(ctx, GoogleLoginRequest);
    profile = deps.googleTokens[idToken];
  } else if (provider === 'dsaccount') {
    const { token } = await body(ctx, DsAccountLoginRequest);
    profile = deps.dsAccountTokens[token];
  } else if (provider === 'dev') {
    const { username, password } = await body(ctx, DevLoginRequest);
    if (username.trim() === '') throw badRequest('The username field is required.', { username: ['The username field is required.'] });
    if (deps.devPassword === undefined || deps.devPassword === password) profile = { id: username, fullName: username };
    role = 'dev';
  } else {
    throw badRequest(`Unsupported login provider '${provider}'.`, { provider: [`Unsupported login provider '${provider}'.`] });
  }
  if (!profile) throw new GatewayError(401, 'The credentials are not valid.');
  const existing = deps.chat.findParticipant(profile.id);
  const participant =
    existing ??
    deps.chat.upsertParticipant({
      id: profile.id,
      uniqueName: profile.uniqueName ?? profile.id,
      fullName: profile.fullName,
      ...(profile.avatar !== undefined ? { avatar: { url: profile.avatar } } : {}),
    });
  const issued = deps.tokens.issue(participant.id, role, participant.fullName);
  sendJson(
    ctx.res,
    200,
    writeNulls(AuthResponse, {
      token: issued.token,
      expiresAt: issued.expiresAt,
      user: {
        id: participant.id,
        uniqueName: participant.uniqueName,
        fullName: participant.fullName,
        role,
        ...(participant.avatar?.url != null ? { avatar: participant.avatar.url } : {}),
      },
    }),
  );
}
