import { either } from 'fp-ts';
import { CreateUploadUrlRequest, decodeWith } from '../../codecs/index.js';
import { MAX_UPLOAD_BYTES } from '../../codecs/files.js';
import { badRequest, GatewayError } from '../gateway-error.js';
import { bearerToken, readBody, sendEmpty, sendJson } from '../http-util.js';
import type { RestApiDeps } from '../rest-api.js';
import { JSON_LIMIT, param, safeDecode, type Context, type RouteRegistrar } from './router.js';

/**
 * Where an upload URL points (`FileStore.createUploadUrl` hands it out). The client's route table
 * has no entry for it: the client `PUT`s to whatever `uploadUrl` it was given.
 */
export const UPLOAD_ROUTE = { method: 'PUT', path: '/api/files/upload/{uploadId}' } as const;

/** The `files.*` routes and the upload `PUT` (a token, or a presigned URL's signature). */
export function addFileRoutes(r: RouteRegistrar, deps: RestApiDeps): void {
  const { files } = deps;
  r.add('files.createUploadUrl', true, async (ctx) => {
    const raw = await readBody(ctx.req, JSON_LIMIT);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw badRequest('The request body is not valid JSON.', { $: ['The JSON value could not be parsed.'] });
    }
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { fileSize?: unknown }).fileSize === 'number' &&
      (parsed as { fileSize: number }).fileSize > MAX_UPLOAD_BYTES
    ) {
      throw new GatewayError(413, `The file is larger than the ${MAX_UPLOAD_BYTES} byte limit.`);
    }
    const request = decodeWith(CreateUploadUrlRequest)(parsed);
    if (either.isLeft(request))
      throw badRequest(request.left.message, Object.fromEntries(request.left.issues.map((i) => [i.path, [`Expected ${i.expected}.`]])));
    const { fileName, contentType, fileSize } = request.right;
    sendJson(
      ctx.res,
      200,
      files.createUploadUrl(ctx.user.userId, fileName, contentType, fileSize, deps.chat.newId(), deps.presignedUploadOrigin()),
    );
  });
  r.addPath(UPLOAD_ROUTE.method, UPLOAD_ROUTE.path, false, (ctx) => upload(ctx, deps));
  r.add('files.download', false, (ctx) => {
    const file = files.get(decodeStorageKey(param(ctx, 'storageKey')));
    ctx.res.writeHead(200, {
      'Content-Type': file.contentType,
      'Content-Length': file.data.length,
      'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      'X-Content-Type-Options': 'nosniff',
    });
    ctx.res.end(file.data);
  });
  r.add('files.delete', true, (ctx) => {
    files.delete(ctx.user.userId, decodeStorageKey(param(ctx, 'storageKey')));
    sendEmpty(ctx.res, 204);
  });
}

async function upload(ctx: Context, { files, tokens }: RestApiDeps): Promise<void> {
  const uploadId = param(ctx, 'uploadId');
  const presigned = ctx.url.searchParams.has('signature');
  let callerId: string | null = null;
  if (presigned) {
    if (!files.verifySignature(uploadId, ctx.url.searchParams.get('expires'), ctx.url.searchParams.get('signature'))) {
      throw new GatewayError(403, 'The upload signature is not valid.');
    }
  } else {
    const owner = tokens.verify(bearerToken(ctx.req));
    if (!owner) throw new GatewayError(401, 'Unauthorized');
    callerId = owner.userId;
  }
  const data = await readBody(ctx.req, MAX_UPLOAD_BYTES);
  sendJson(ctx.res, 200, files.completeUpload(uploadId, callerId, data));
}

/** A storage key from the URL: each segment decoded, `/` kept, `..` refused. */
function decodeStorageKey(raw: string): string {
  const segments = raw.split('/').map(safeDecode);
  if (segments.some((s) => s === '..' || s === '.' || s === '' || s.includes('/') || s.includes('\\')))
    throw badRequest('The storage key is not valid.');
  return segments.join('/');
}
