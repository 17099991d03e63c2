import { AxiosError, AxiosHeaders, CanceledError, type AxiosResponse } from 'axios';
import { expect } from 'chai';
import { either } from 'fp-ts';
import * as t from 'io-ts';
import { decodeWith } from '../../src/codecs/decode-with.js';
import { MessageDto } from '../../src/codecs/messages.js';
import { ChatApiError } from '../../src/http/chat-api-error.js';

function axiosResponse(status: number, data: unknown, statusText = ''): AxiosResponse {
  const config = { headers: new AxiosHeaders() };
  return { status, statusText, data, headers: {}, config };
}

function axiosHttpError(status: number, data: unknown): AxiosError {
  const response = axiosResponse(status, data);
  return new AxiosError(`Request failed with status code ${status}`, AxiosError.ERR_BAD_RESPONSE, response.config, {}, response);
}

const fields = (e: ChatApiError): unknown[] => [e.kind, e.status, e.title, e.detail, e.message];

describe('ChatApiError', () => {
  it('is an Error named ChatApiError whose message is detail ?? title', () => {
    const withDetail = new ChatApiError({ kind: 'http', status: 404, title: 'Not Found', detail: 'Conversation not found' });
    const withoutDetail = new ChatApiError({ kind: 'http', status: 404, title: 'Not Found' });
    expect(withDetail).to.be.instanceOf(Error);
    expect([withDetail.name, withDetail.message, withoutDetail.message]).to.deep.equal([
      'ChatApiError',
      'Conversation not found',
      'Not Found',
    ]);
  });

  it('is() recognises instances and look-alikes from another copy of the library, nothing else', () => {
    expect(ChatApiError.is(new ChatApiError({ kind: 'network', status: 0, title: 'x' }))).to.equal(true);
    expect(ChatApiError.is({ name: 'ChatApiError', status: 500, kind: 'http' })).to.equal(true);
    expect(ChatApiError.is({ name: 'ChatApiError', status: '500', kind: 'http' })).to.equal(false);
    expect(ChatApiError.is(new Error('ChatApiError'))).to.equal(false);
    expect(ChatApiError.is(null)).to.equal(false);
  });

  it('fromProblemDetails keeps status, title, detail, type and validation errors', () => {
    const e = ChatApiError.fromProblemDetails({
      status: 400,
      title: 'One or more validation errors occurred.',
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
      errors: { Blocks: ['The Blocks field is required.'] },
    });
    expect(fields(e)).to.deep.equal([
      'http',
      400,
      'One or more validation errors occurred.',
      undefined,
      'One or more validation errors occurred.',
    ]);
    expect(e.type).to.equal('https://tools.ietf.org/html/rfc9110#section-15.5.1');
    expect(e.errors).to.deep.equal({ Blocks: ['The Blocks field is required.'] });
  });

  describe('fromResponse: every body shape', () => {
    it('an RFC 7807 JSON text', () => {
      const e = ChatApiError.fromResponse(409, '{"type":"about:blank","title":"Conflict","status":409,"detail":"Already reacted"}');
      expect(fields(e)).to.deep.equal(['http', 409, 'Conflict', 'Already reacted', 'Already reacted']);
      expect(e.type).to.equal('about:blank');
    });

    it('the HTTP status wins over the body status', () => {
      expect(ChatApiError.fromResponse(403, { status: 200, title: 'Forbidden' }).status).to.equal(403);
    });

    it("the proxy's bare { detail }", () => {
      expect(fields(ChatApiError.fromResponse(502, '{"detail":"upstream down"}'))).to.deep.equal([
        'http',
        502,
        'Bad Gateway',
        'upstream down',
        'upstream down',
      ]);
    });

    it('a plain-text body becomes the detail, the reason phrase the title', () => {
      expect(fields(ChatApiError.fromResponse(500, 'database exploded'))).to.deep.equal([
        'http',
        500,
        'Internal Server Error',
        'database exploded',
        'database exploded',
      ]);
    });

    it('an HTML body is kept as text (truncated) and never parsed', () => {
      const html = `<html>${'x'.repeat(1000)}</html>`;
      const e = ChatApiError.fromResponse(502, html);
      expect(e.title).to.equal('Bad Gateway');
      expect(e.detail?.length).to.equal(501);
      expect(e.body).to.equal(html);
    });

    it('an empty body gives the reason phrase (or the statusText for an unusual status)', () => {
      expect(fields(ChatApiError.fromResponse(401, ''))).to.deep.equal(['http', 401, 'Unauthorized', undefined, 'Unauthorized']);
      expect(ChatApiError.fromResponse(599, '', 'Weird').title).to.equal('Weird');
      expect(ChatApiError.fromResponse(599, '').title).to.equal('HTTP 599');
    });

    it('a JSON string body and a JSON object without title or detail', () => {
      expect(ChatApiError.fromResponse(400, '"bad input"').detail).to.equal('bad input');
      const e = ChatApiError.fromResponse(400, '{"error":"nope"}');
      expect([e.title, e.body]).to.deep.equal(['Bad Request', { error: 'nope' }]);
    });

    it('a title without status (lenient ProblemDetails)', () => {
      expect(ChatApiError.fromResponse(418, { title: 'Teapot' }).title).to.equal('Teapot');
    });
  });

  describe('from(cause)', () => {
    it('returns a ChatApiError as is', () => {
      const e = new ChatApiError({ kind: 'http', status: 400, title: 'x' });
      expect(ChatApiError.from(e)).to.equal(e);
    });

    it('an axios error with a response → http, from the body', () => {
      const cause = axiosHttpError(404, { status: 404, title: 'Not Found', detail: 'gone' });
      const e = ChatApiError.from(cause);
      expect(fields(e)).to.deep.equal(['http', 404, 'Not Found', 'gone', 'gone']);
      // The cause explains the failure but never carries the request config (its headers hold the token).
      expect(e.cause).to.be.instanceOf(Error);
      expect(e.cause).to.include({ name: 'AxiosError', message: 'Request failed with status code 404' });
      expect(Object.keys(e.cause as object)).to.not.include('config');
      expect((e.cause as { config?: unknown }).config).to.equal(undefined);
    });

    it('an axios-like response object → http', () => {
      expect(fields(ChatApiError.from({ status: 502, data: { detail: 'upstream down' } }))).to.deep.equal([
        'http',
        502,
        'Bad Gateway',
        'upstream down',
        'upstream down',
      ]);
    });

    it('timeouts → timeout with status 0', () => {
      expect(ChatApiError.from(new AxiosError('timeout of 10ms exceeded', AxiosError.ECONNABORTED)).kind).to.equal('timeout');
      const e = ChatApiError.from(new AxiosError('timeout', AxiosError.ETIMEDOUT));
      expect([e.kind, e.status]).to.deep.equal(['timeout', 0]);
    });

    it('no response → network with status 0, never a fake 500', () => {
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
      const e = ChatApiError.from(new AxiosError('Network Error', AxiosError.ERR_NETWORK, undefined, {}, undefined));
      expect([e.kind, e.status, e.title, e.detail]).to.deep.equal(['network', 0, 'Network error', 'Network Error']);
      expect([ChatApiError.from(refused).kind, ChatApiError.from(refused).status]).to.deep.equal(['network', 0]);
      expect(ChatApiError.from('offline').detail).to.equal('offline');
    });

    it('a cancel → aborted with status 0', () => {
      const e = ChatApiError.from(new CanceledError());
      expect([e.kind, e.status]).to.deep.equal(['aborted', 0]);
      expect(ChatApiError.from(new DOMException('aborted', 'AbortError')).kind).to.equal('aborted');
    });

    it('a DecodeError → decode, carrying the failing paths', () => {
      const result = decodeWith(MessageDto)({ id: 1 });
      if (!either.isLeft(result)) throw new Error('expected a decode failure');
      const e = ChatApiError.from(result.left);
      expect(e.kind).to.equal('decode');
      expect(e.decodeError).to.equal(result.left);
      expect(e.decodeError?.issues.map((i) => i.path)).to.include('id');
    });
  });

  // Issue 16 #9: a 300 MB body was held whole in `body`; a 700 MB one came back as kind 'http', 200.
  describe('bounded bodies and bodies too large to read (issue 16)', () => {
    const LIMIT = 4096;

    it('keeps at most a 4 KiB excerpt of a large text or JSON body, whatever the way in', () => {
      const text = 'E'.repeat(1_000_000);
      const fromText = ChatApiError.fromResponse(500, text);
      expect(fromText.body).to.equal(`${'E'.repeat(LIMIT)}…`);
      expect(fromText.detail).to.have.length(501);
      const problem = JSON.stringify({ title: 'Bad', status: 400, errors: { f: ['x'.repeat(1_000_000)] } });
      const fromProblem = ChatApiError.fromResponse(400, problem);
      expect(fromProblem.title).to.equal('Bad');
      expect((fromProblem.body as string).length).to.equal(LIMIT + 1);
      expect(fromProblem.errors?.['f']?.[0]).to.have.length(501);
      const manyFields = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`field${i}`, [`message ${i}`]]));
      const fromValidation = ChatApiError.fromResponse(400, JSON.stringify({ title: 'Invalid', status: 400, errors: manyFields }));
      expect(fromValidation.errors?.['field0']).to.deep.equal(['message 0']);
      expect(JSON.stringify(fromValidation.errors).length).to.be.below(LIMIT * 2);
      const direct = new ChatApiError({
        kind: 'invalid-response',
        status: 200,
        title: 't',
        detail: 'd'.repeat(1e6),
        body: { items: new Array(1e6).fill('x') },
      });
      expect((direct.body as string).length).to.equal(LIMIT + 1);
      expect(direct.detail).to.have.length(LIMIT + 1);
      const viaAxios = ChatApiError.from(axiosHttpError(502, text));
      expect((viaAxios.body as string).length).to.equal(LIMIT + 1);
      const inCause = (viaAxios.cause as { response?: { data?: unknown } }).response?.data as string;
      expect(inCause.length, 'the cause keeps an excerpt too').to.equal(LIMIT + 1);
      // Small bodies are kept as they are.
      expect(ChatApiError.fromResponse(404, '{"title":"Not Found","status":404}').body).to.deep.equal({ title: 'Not Found', status: 404 });
    });

    it('a decode error keeps an excerpt of a large body, in body and in decodeError', () => {
      const huge = { id: 1, items: new Array(1_000_000).fill('x') };
      const result = decodeWith(MessageDto)(huge);
      if (!either.isLeft(result)) throw new Error('expected a decode failure');
      const e = ChatApiError.fromDecodeError(result.left, 200, huge);
      expect((e.body as string).length).to.equal(LIMIT + 1);
      expect((e.decodeError!.value as string).length).to.equal(LIMIT + 1);
      expect(e.decodeError?.issues.map((i) => i.path)).to.include('id');
      expect(e.cause).to.equal(e.decodeError);
      const manyIssues = decodeWith(t.array(t.number))(new Array(100_000).fill('not a number'));
      if (!either.isLeft(manyIssues)) throw new Error('expected a decode failure');
      const kept = ChatApiError.fromDecodeError(manyIssues.left, 200).decodeError;
      expect(kept?.issues).to.have.length(100);
      expect(kept?.issues[0]).to.deep.include({ path: '0', actual: 'not a number' });
    });

    it('a body over maxContentLength, or longer than a string can be, is invalid-response with the status — never http 200', () => {
      const config = { headers: new AxiosHeaders() };
      const overLimit = new AxiosError('maxContentLength size of 1024 exceeded', AxiosError.ERR_BAD_RESPONSE, config, {
        res: { statusCode: 200 },
      });
      const a = ChatApiError.from(overLimit);
      expect([a.kind, a.status, a.title]).to.deep.equal(['invalid-response', 200, 'Response too large']);
      // follow-redirects (axios's default transport) wraps the native request.
      const wrapped = new AxiosError('maxContentLength size of 1024 exceeded', AxiosError.ERR_BAD_RESPONSE, config, {
        _currentRequest: { res: { statusCode: 203 } },
      });
      expect(ChatApiError.from(wrapped).status).to.equal(203);
      // What axios's http adapter rejects with when Node cannot make a string of a 700 MB body.
      const tooLong = Object.assign(new Error('Cannot create a string longer than 0x1fffffe8 characters'), { code: 'ERR_STRING_TOO_LONG' });
      const b = ChatApiError.from(AxiosError.from(tooLong, undefined, config, {}, axiosResponse(200, undefined, 'OK')));
      expect([b.kind, b.status]).to.deep.equal(['invalid-response', 200]);
      // A 5xx that axios itself rejects (ERR_BAD_RESPONSE with a response) stays an http error.
      expect(ChatApiError.from(axiosHttpError(503, 'busy')).kind).to.equal('http');
    });
  });

  // Issue 16 #12: `Retry-After` on a 429 or 503 was not exposed.
  describe('retryAfterMs (issue 16)', () => {
    it('parseRetryAfter reads delay-seconds and HTTP dates (from now), and nothing else', () => {
      const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
      expect(ChatApiError.parseRetryAfter('120', now)).to.equal(120_000);
      expect(ChatApiError.parseRetryAfter(' 0 ', now)).to.equal(0);
      expect(ChatApiError.parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).to.equal(30_000);
      expect(ChatApiError.parseRetryAfter('Wednesday, 21-Oct-15 07:28:05 GMT', now)).to.equal(5_000);
      expect(ChatApiError.parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now), 'a date past is 0').to.equal(0);
      for (const bad of ['-1', '1.5', 'soon', '', undefined, null, '2015-10-21']) {
        expect(ChatApiError.parseRetryAfter(bad, now), String(bad)).to.equal(undefined);
      }
    });

    it('fromResponse and from(axios error) expose the Retry-After of a 429 or 503 as retryAfterMs', () => {
      expect(ChatApiError.fromResponse(429, '', undefined, undefined, { headers: { 'Retry-After': '3' } }).retryAfterMs).to.equal(3000);
      const response = axiosResponse(503, 'busy');
      response.headers = new AxiosHeaders({ 'retry-after': 'Thu, 01 Jan 1970 00:00:10 GMT' });
      const error = new AxiosError('Request failed with status code 503', AxiosError.ERR_BAD_RESPONSE, response.config, {}, response);
      expect(ChatApiError.from(error, { now: 4_000 }).retryAfterMs).to.equal(6_000);
      expect(ChatApiError.fromResponse(503, 'busy').retryAfterMs).to.equal(undefined);
    });
  });
});
