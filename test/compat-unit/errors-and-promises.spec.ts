import { expect } from 'chai';
import { NEVER, of, Subject, throwError } from 'rxjs';
import { ChatApiError } from '../../src/compat/index.js';
import { ackPromise, toPromise, toVoidPromise, uploadPromise } from '../../src/compat/promise.js';
import { InvalidArgumentError } from '../../src/core/index.js';
import { ChatApiError as ReactiveChatApiError, type UploadEvent } from '../../src/http/index.js';
import { HubError } from '../../src/hubs/index.js';

const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('compat ChatApiError', () => {
  it('instanceof is true for the reactive errors every REST call rejects with', () => {
    const reactive = ReactiveChatApiError.fromResponse(404, { status: 404, title: 'Not Found', detail: 'Conversation not found' });
    expect(reactive instanceof ChatApiError).to.equal(true);
    expect(new Error('x') instanceof ChatApiError).to.equal(false);
    expect(ChatApiError.is(reactive)).to.equal(true);
  });

  it('fromResponse(response) reads a fetch Response: status, RFC 7807 body, Retry-After', async () => {
    const response = new Response(JSON.stringify({ status: 429, title: 'Too Many Requests', detail: 'slow down' }), {
      status: 429,
      statusText: 'Too Many Requests',
      headers: { 'content-type': 'application/problem+json', 'retry-after': '3' },
    });
    const error = await ChatApiError.fromResponse(response);
    expect(error).to.be.an.instanceOf(ChatApiError);
    expect(error).to.be.an.instanceOf(ReactiveChatApiError);
    expect([error.name, error.status, error.title, error.detail, error.message, error.retryAfterMs]).to.deep.equal([
      'ChatApiError',
      429,
      'Too Many Requests',
      'slow down',
      'slow down',
      3000,
    ]);
  });

  it("fromResponse reads the proxy's bare { detail } and a text body; a used body counts as empty", async () => {
    const proxy = await ChatApiError.fromResponse(new Response('{"detail":"upstream down"}', { status: 502 }));
    expect([proxy.status, proxy.title, proxy.detail]).to.deep.equal([502, 'Bad Gateway', 'upstream down']);
    const used = new Response('Service Unavailable', { status: 503, statusText: 'Service Unavailable' });
    await used.text();
    const error = await ChatApiError.fromResponse(used);
    expect([error.status, error.title, error.detail]).to.deep.equal([503, 'Service Unavailable', undefined]);
  });

  it('fromProblemDetails: message is detail ?? title', () => {
    const error = ChatApiError.fromProblemDetails({ status: 404, title: 'Not Found', detail: 'Conversation not found' });
    expect([error.status, error.message, error.kind]).to.deep.equal([404, 'Conversation not found', 'http']);
    expect(ChatApiError.fromProblemDetails({ status: 403, title: 'Forbidden' }).message).to.equal('Forbidden');
  });

  it('can be built from its fields or from (status, title, detail)', () => {
    const positional = new ChatApiError(409, 'Conflict', 'already reacted');
    expect([positional.kind, positional.status, positional.title, positional.message, positional.name]).to.deep.equal([
      'http',
      409,
      'Conflict',
      'already reacted',
      'ChatApiError',
    ]);
    expect(new ChatApiError({ kind: 'network', status: 0, title: 'Network error' }).message).to.equal('Network error');
  });

  it('a subclass keeps the ordinary instanceof check', () => {
    class TeamError extends ChatApiError {}
    const reactive = ReactiveChatApiError.fromResponse(500, '');
    expect(reactive instanceof TeamError).to.equal(false);
    expect(new TeamError({ kind: 'http', status: 500, title: 'x' }) instanceof TeamError).to.equal(true);
  });
});

describe('compat Promise helpers', () => {
  it('toPromise: a synchronous InvalidArgumentError becomes a rejection', async () => {
    const promise = toPromise(() => {
      throw new InvalidArgumentError('id', 'is empty');
    });
    expect(InvalidArgumentError.is(await rejectionOf(promise))).to.equal(true);
  });

  it('toVoidPromise resolves with undefined whether the Observable emits or only completes', async () => {
    expect(await toVoidPromise(() => of('ignored'))).to.equal(undefined);
    const completes = new Subject<void>();
    const promise = toVoidPromise(() => completes);
    completes.complete();
    expect(await promise).to.equal(undefined);
  });

  it('ackPromise rejects with anything that is not an ack failure', async () => {
    const notConnected = new HubError('not-connected', 'no connection', { hub: 'chat' });
    expect(await rejectionOf(ackPromise(() => throwError(() => notConnected)))).to.equal(notConnected);
    const ackWithoutRaw = new HubError('ack', 'failed', { hub: 'chat' });
    expect(await rejectionOf(ackPromise(() => throwError(() => ackWithoutRaw)))).to.equal(ackWithoutRaw);
  });

  it('uploadPromise: progress as (loaded, total), the response at the end; a throwing callback does not stop the upload', async () => {
    const response = {
      downloadUrl: '/api/files/k/a.txt',
      storageKey: 'k/a.txt',
      fileName: 'a.txt',
      contentType: 'text/plain',
      fileSize: 4,
      uploadedAt: '2025-01-01T00:00:00Z',
    };
    const events: UploadEvent[] = [
      { type: 'progress', loaded: 2, total: 4 },
      { type: 'progress', loaded: 4, total: 4 },
      { type: 'done', response },
    ];
    const seen: Array<[number, number]> = [];
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const result = await uploadPromise(
        () => of(...events),
        (loaded, total) => {
          seen.push([loaded, total]);
          throw new Error('progress bar bug');
        },
      );
      expect(result).to.deep.equal(response);
    } finally {
      console.error = original;
    }
    expect(seen).to.deep.equal([
      [2, 4],
      [4, 4],
    ]);
    expect(errors).to.have.length(2);
  });

  it('uploadPromise without a callback just waits for the response', async () => {
    const never = uploadPromise(() => NEVER);
    const settled = await Promise.race([never.then(() => 'settled'), new Promise((r) => setTimeout(() => r('pending'), 10))]);
    expect(settled).to.equal('pending');
  });
});
