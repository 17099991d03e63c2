import { AxiosError, AxiosHeaders, CanceledError, type AxiosResponse } from 'axios';
import { expect } from 'chai';
import { either } from 'fp-ts';
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
    expect([withDetail.name, withDetail.message, withoutDetail.message]).to.deep.equal(['ChatApiError', 'Conversation not found', 'Not Found']);
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
    expect(fields(e)).to.deep.equal(['http', 400, 'One or more validation errors occurred.', undefined, 'One or more validation errors occurred.']);
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
});
