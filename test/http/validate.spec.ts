import { expect } from 'chai';
import { createRestApi } from '../../src/http/create-rest-api.js';
import { ArgumentRangeError, InvalidArgumentError } from '../../src/core/invalid-argument-error.js';
import { nestedObject } from '../support/nested.js';
import { textBlock } from './samples.js';

// Never contacted: every call below must throw before an Observable exists.
const api = createRestApi({ baseUrl: 'http://127.0.0.1:9', token: 't' });
const any = (value: unknown): never => value as never;
const MB = 1024 * 1024;
const longText = (length: number) => ({ $type: 'text', format: 'Plain', content: 'x'.repeat(length), plainText: null }) as const;

type Case = readonly [call: string, argument: string, kind: typeof InvalidArgumentError | typeof ArgumentRangeError, run: () => unknown];

const cases: readonly Case[] = [
  ['auth.loginWithGoogle("")', 'idToken', InvalidArgumentError, () => api.auth.loginWithGoogle('')],
  ['auth.loginWithDsAccount(1)', 'token', InvalidArgumentError, () => api.auth.loginWithDsAccount(any(1))],
  ['auth.loginWithDev("", "pw")', 'username', InvalidArgumentError, () => api.auth.loginWithDev('', 'pw')],
  ['auth.login("a/b", {})', 'provider', InvalidArgumentError, () => api.auth.login('a/b', any({}))],
  ['auth.login("..", {})', 'provider', InvalidArgumentError, () => api.auth.login('..', any({}))],
  ['auth.login("dev", null)', 'body', InvalidArgumentError, () => api.auth.login('dev', any(null))],
  ['participants.getById("")', 'id', InvalidArgumentError, () => api.participants.getById('')],
  ['participants.getById("  ")', 'id', InvalidArgumentError, () => api.participants.getById('  ')],
  ['participants.getByUniqueName(5)', 'uniqueName', InvalidArgumentError, () => api.participants.getByUniqueName(any(5))],
  ['participants.getBatch(["a", ""])', 'ids[1]', InvalidArgumentError, () => api.participants.getBatch(['a', ''])],
  ['participants.getBatch("a")', 'ids', InvalidArgumentError, () => api.participants.getBatch(any('a'))],
  ['participants.createOrUpdate({id})', 'request', InvalidArgumentError, () => api.participants.createOrUpdate(any({ id: 'x' }))],
  [
    'conversations.list({cursor: 123})',
    'params.cursor',
    InvalidArgumentError,
    () => api.conversations.list(any({ cursor: 1743004200000 })),
  ],
  ['conversations.list({limit: -1})', 'params.limit', ArgumentRangeError, () => api.conversations.list({ limit: -1 })],
  ['conversations.list({limit: NaN})', 'params.limit', ArgumentRangeError, () => api.conversations.list({ limit: Number.NaN })],
  ['conversations.list({limit: 1.5})', 'params.limit', ArgumentRangeError, () => api.conversations.list({ limit: 1.5 })],
  ['conversations.list({limit: "5"})', 'params.limit', InvalidArgumentError, () => api.conversations.list(any({ limit: '5' }))],
  ['conversations.listAll({limit: 0})', 'params.limit', ArgumentRangeError, () => api.conversations.listAll({ limit: 0 })],
  ['conversations.search("", 5)', 'query', InvalidArgumentError, () => api.conversations.search('', 5)],
  ['conversations.search("q", -2)', 'limit', ArgumentRangeError, () => api.conversations.search('q', -2)],
  [
    'conversations.create({type:"Nope"})',
    'request',
    InvalidArgumentError,
    () => api.conversations.create(any({ type: 'Nope', participantIds: [] })),
  ],
  ['conversations.update("", {})', 'id', InvalidArgumentError, () => api.conversations.update('', {})],
  ['conversations.leave(null)', 'id', InvalidArgumentError, () => api.conversations.leave(any(null))],
  ['conversations.findOneToOne("")', 'otherParticipantId', InvalidArgumentError, () => api.conversations.findOneToOne('')],
  [
    'conversations.addParticipant("c", {participantId: ""})',
    'request.participantId',
    InvalidArgumentError,
    () => api.conversations.addParticipant('c', { participantId: '' }),
  ],
  ['conversations.removeParticipant("c", "")', 'participantId', InvalidArgumentError, () => api.conversations.removeParticipant('c', '')],
  ['conversations.getParticipants("")', 'conversationId', InvalidArgumentError, () => api.conversations.getParticipants('')],
  ['conversations.pin("")', 'id', InvalidArgumentError, () => api.conversations.pin('')],
  ['conversations.unpin("")', 'id', InvalidArgumentError, () => api.conversations.unpin('')],
  ['conversations.markAsRead("c", "")', 'messageId', InvalidArgumentError, () => api.conversations.markAsRead('c', '')],
  ['conversations.markAsUnread(undefined)', 'id', InvalidArgumentError, () => api.conversations.markAsUnread(any(undefined))],
  ['messages.send("", …)', 'conversationId', InvalidArgumentError, () => api.messages.send('', { blocks: [textBlock] })],
  ['messages.send("c", {})', 'request', InvalidArgumentError, () => api.messages.send('c', any({}))],
  ['messages.getHistory("c", {cursor: 1})', 'params.cursor', InvalidArgumentError, () => api.messages.getHistory('c', any({ cursor: 1 }))],
  [
    'messages.getHistory("c", {direction: "up"})',
    'params.direction',
    InvalidArgumentError,
    () => api.messages.getHistory('c', any({ direction: 'up' })),
  ],
  ['messages.getHistory("c", {limit: -5})', 'params.limit', ArgumentRangeError, () => api.messages.getHistory('c', { limit: -5 })],
  ['messages.historyAll("c", {limit: NaN})', 'params.limit', ArgumentRangeError, () => api.messages.historyAll('c', { limit: Number.NaN })],
  ['messages.search("c", "", 5)', 'query', InvalidArgumentError, () => api.messages.search('c', '', 5)],
  ['messages.search("c", "q", -1)', 'limit', ArgumentRangeError, () => api.messages.search('c', 'q', -1)],
  ['messages.getById("")', 'messageId', InvalidArgumentError, () => api.messages.getById('')],
  ['messages.edit("m", {blocks: "x"})', 'request', InvalidArgumentError, () => api.messages.edit('m', any({ blocks: 'x' }))],
  [
    'messages.send("c", a block nested 65 deep)',
    'request',
    InvalidArgumentError,
    () => api.messages.send('c', any({ blocks: [{ $type: 'custom', type: 'x', data: nestedObject(62) }] })),
  ],
  ['messages.delete("")', 'messageId', InvalidArgumentError, () => api.messages.delete('')],
  ['messages.recover("")', 'messageId', InvalidArgumentError, () => api.messages.recover('')],
  ['messages.addReaction("m", "")', 'emoji', InvalidArgumentError, () => api.messages.addReaction('m', '')],
  ['messages.removeReaction("m", "")', 'emoji', InvalidArgumentError, () => api.messages.removeReaction('m', '')],
  [
    'files.createUploadUrl(> 50 MB)',
    'request.fileSize',
    ArgumentRangeError,
    () => api.files.createUploadUrl({ fileName: 'a', contentType: 'x/y', fileSize: 50 * MB + 1 }),
  ],
  [
    'files.createUploadUrl(fileSize -1)',
    'request',
    InvalidArgumentError,
    () => api.files.createUploadUrl({ fileName: 'a', contentType: 'x/y', fileSize: -1 }),
  ],
  [
    'files.createUploadUrl(fileName "")',
    'request.fileName',
    InvalidArgumentError,
    () => api.files.createUploadUrl({ fileName: '', contentType: 'x/y', fileSize: 1 }),
  ],
  ['files.uploadFile(> 50 MB)', 'file', ArgumentRangeError, () => api.files.uploadFile(new ArrayBuffer(50 * MB + 1), { fileName: 'big' })],
  ['files.uploadFile(bytes without a name)', 'options.fileName', InvalidArgumentError, () => api.files.uploadFile(new Uint8Array(3))],
  ['files.uploadFile("text")', 'file', InvalidArgumentError, () => api.files.uploadFile(any('text'))],
  ['files.upload("", bytes)', 'uploadUrl', InvalidArgumentError, () => api.files.upload('', new Uint8Array(1))],
  ['files.getDownloadUrl("")', 'storageKey', InvalidArgumentError, () => api.files.getDownloadUrl('')],
  ['files.getDownloadUrl("a/../b")', 'storageKey', InvalidArgumentError, () => api.files.getDownloadUrl('a/../b')],
  ['files.delete("../secret")', 'storageKey', InvalidArgumentError, () => api.files.delete('../secret')],
  ['files.delete("a//b")', 'storageKey', InvalidArgumentError, () => api.files.delete('a//b')],
  ['bots.list({page: 0})', 'params.page', ArgumentRangeError, () => api.bots.list({ page: 0 })],
  ['bots.listAll({pageSize: -1})', 'params.pageSize', ArgumentRangeError, () => api.bots.listAll({ pageSize: -1 })],
  ['bots.getById("")', 'id', InvalidArgumentError, () => api.bots.getById('')],
  ['bots.create({})', 'request', InvalidArgumentError, () => api.bots.create(any({}))],
  [
    'bots.update("b", {rateLimitPerSecond: "x"})',
    'request',
    InvalidArgumentError,
    () => api.bots.update('b', any({ rateLimitPerSecond: 'x' })),
  ],
  ['bots.activate("")', 'id', InvalidArgumentError, () => api.bots.activate('')],
  ['bots.deactivate("")', 'id', InvalidArgumentError, () => api.bots.deactivate('')],
  ['bots.regenerateKey("")', 'id', InvalidArgumentError, () => api.bots.regenerateKey('')],
  ['bots.delete("")', 'id', InvalidArgumentError, () => api.bots.delete('')],
  ['proxy.get("a b", "x")', 'service', InvalidArgumentError, () => api.proxy.get('a b', 'x')],
  ['proxy.get("svc", "../../api/bots")', 'path', InvalidArgumentError, () => api.proxy.get('svc', '../../api/bots')],
  [
    'proxy.request("svc", "x", {method: "TRACE"})',
    'options.method',
    InvalidArgumentError,
    () => api.proxy.request('svc', 'x', any({ method: 'TRACE' })),
  ],
  // Issue 16: "." and ".." are dot-segments, not ids — `DELETE /api/messages/..` is `DELETE /api/`.
  ['messages.delete("..")', 'messageId', InvalidArgumentError, () => api.messages.delete('..')],
  ['messages.delete(".")', 'messageId', InvalidArgumentError, () => api.messages.delete('.')],
  ['messages.getById("..")', 'messageId', InvalidArgumentError, () => api.messages.getById('..')],
  ['messages.edit("..", …)', 'messageId', InvalidArgumentError, () => api.messages.edit('..', { blocks: [textBlock] })],
  ['messages.send("..", …)', 'conversationId', InvalidArgumentError, () => api.messages.send('..', { blocks: [textBlock] })],
  ['messages.addReaction("m", "..")', 'emoji', InvalidArgumentError, () => api.messages.addReaction('m', '..')],
  ['messages.removeReaction("m", ".")', 'emoji', InvalidArgumentError, () => api.messages.removeReaction('m', '.')],
  ['conversations.getById("..")', 'id', InvalidArgumentError, () => api.conversations.getById('..')],
  ['conversations.removeParticipant("c", ".")', 'participantId', InvalidArgumentError, () => api.conversations.removeParticipant('c', '.')],
  ['participants.getById(".")', 'id', InvalidArgumentError, () => api.participants.getById('.')],
  ['participants.getByUniqueName("..")', 'uniqueName', InvalidArgumentError, () => api.participants.getByUniqueName('..')],
  ['participants.getBatch(["a", ".."])', 'ids[1]', InvalidArgumentError, () => api.participants.getBatch(['a', '..'])],
  ['bots.delete("..")', 'id', InvalidArgumentError, () => api.bots.delete('..')],
  // Issue 16: message content the server would refuse (or should never get) fails here.
  ['messages.send("c", {blocks: []})', 'request.blocks', InvalidArgumentError, () => api.messages.send('c', { blocks: [] })],
  ['messages.edit("m", {blocks: []})', 'request.blocks', InvalidArgumentError, () => api.messages.edit('m', { blocks: [] })],
  [
    'messages.send("c", a text of 100,001 characters)',
    'request.blocks[1].content',
    InvalidArgumentError,
    () => api.messages.send('c', { blocks: [textBlock, longText(100_001)] }),
  ],
  [
    'messages.edit("m", a text of 100,001 characters)',
    'request.blocks[0].content',
    InvalidArgumentError,
    () => api.messages.edit('m', { blocks: [longText(100_001)] }),
  ],
  [
    'messages.send("c", {clientMessageId: 129 characters})',
    'request.clientMessageId',
    InvalidArgumentError,
    () => api.messages.send('c', { blocks: [textBlock], clientMessageId: 'x'.repeat(129) }),
  ],
  [
    'messages.send("c", {clientMessageId: ""})',
    'request.clientMessageId',
    InvalidArgumentError,
    () => api.messages.send('c', { blocks: [textBlock], clientMessageId: '' }),
  ],
  [
    'messages.send("c", {replyToMessageId: ".."})',
    'request.replyToMessageId',
    InvalidArgumentError,
    () => api.messages.send('c', { blocks: [textBlock], replyToMessageId: '..' }),
  ],
];

describe('argument validation (synchronous, before any Observable)', () => {
  for (const [call, argument, kind, run] of cases) {
    it(`${call} throws ${kind.name} naming "${argument}"`, () => {
      let thrown: unknown;
      try {
        run();
      } catch (error) {
        thrown = error;
      }
      expect(thrown, 'expected a synchronous throw').to.be.instanceOf(kind);
      expect(InvalidArgumentError.is(thrown)).to.equal(true);
      expect((thrown as InvalidArgumentError).argument).to.equal(argument);
      expect((thrown as Error).message).to.contain(argument);
    });
  }

  it('a numeric cursor is explained: cursors are opaque strings', () => {
    expect(() => api.messages.getHistory('c', any({ cursor: 1743004200000 }))).to.throw(/opaque string/);
  });

  it('a body nested deeper than a server reads (64) is refused with the path; 64 levels are fine', () => {
    // The body is depth 1, blocks 2, the block 3: data of 61 levels reaches 64, of 62 levels 65.
    const send = (levels: number) => () =>
      api.messages.send('c', any({ blocks: [{ $type: 'custom', type: 'x', data: nestedObject(levels) }] }));
    expect(send(62)).to.throw(InvalidArgumentError, /nested deeper than 64 levels \(at request\.blocks\[0\]\.data\.a/);
    expect(send(61)).not.to.throw();
    expect(send(10_000)).to.throw(InvalidArgumentError, /nested deeper than 64/);
  });

  it('InvalidArgumentError is a TypeError, ArgumentRangeError a RangeError', () => {
    expect(new InvalidArgumentError('x', 'y')).to.be.instanceOf(TypeError);
    expect(new ArgumentRangeError('x', 'y')).to.be.instanceOf(RangeError);
  });

  it('accepts the valid forms without throwing (a cold Observable comes back)', () => {
    expect(() => api.conversations.list()).not.to.throw();
    expect(() => api.conversations.list({ limit: 20, cursor: '1743004200000_01JRZABC' })).not.to.throw();
    expect(() => api.files.createUploadUrl({ fileName: 'a', contentType: 'x/y', fileSize: 50 * MB })).not.to.throw();
    expect(() => api.auth.login('custom-provider.v2', { token: 'x' })).not.to.throw();
    expect(() => api.proxy.get('svc', '')).not.to.throw();
  });

  it('accepts the limits themselves: 128-character clientMessageId, 100,000-character text, ids with dots in them', () => {
    expect(() => api.messages.send('c', { blocks: [longText(100_000)], clientMessageId: 'x'.repeat(128) })).not.to.throw();
    expect(() => api.messages.edit('m', { blocks: [longText(100_000)] })).not.to.throw();
    expect(() => api.messages.delete('...')).not.to.throw();
    expect(() => api.messages.delete('a.b')).not.to.throw();
    expect(() => api.participants.getByUniqueName('john.doe')).not.to.throw();
  });
});
