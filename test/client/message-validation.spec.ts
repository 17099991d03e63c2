/**
 * Issue 16, item 11: bad message arguments fail at once — synchronously, before any Observable,
 * nothing sent, nothing entering a timeline — with an `InvalidArgumentError` naming the argument,
 * on the hub (`sendMessage`, `editMessage`, …) and on `timeline(id).send` alike (REST
 * `messages.send/edit` are covered in test/http/validate.spec.ts).
 */
import { expect } from 'chai';
import type { Subscription } from 'rxjs';
import { createChatClient } from '../../src/client.js';
import type { Block } from '../../src/codecs/index.js';
import { InvalidArgumentError } from '../../src/core/invalid-argument-error.js';
import { ChatHubClient } from '../../src/hubs/chat-hub-client.js';
import type { TimelineMessage } from '../../src/streams/timeline-message.js';

// Never contacted: every call below must throw before anything is sent.
const chat = new ChatHubClient({ url: 'http://127.0.0.1:9/hubs/chat' });
const any = (value: unknown): never => value as never;
const text = (content: string, plainText: string | null = content): Block => ({ $type: 'text', format: 'Plain', content, plainText });
const blocks = [text('hi')];

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectRefused(run: () => unknown, argument: string, pattern?: RegExp): void {
  const thrown = thrownBy(run);
  expect(thrown, `${run.toString()}: expected a synchronous throw`).to.be.instanceOf(InvalidArgumentError);
  expect((thrown as InvalidArgumentError).argument, run.toString()).to.equal(argument);
  if (pattern) expect((thrown as Error).message).to.match(pattern);
}

describe('message arguments are refused at once (issue 16)', () => {
  describe('chat hub', () => {
    const cases: Array<[string, string, () => unknown]> = [
      ['sendMessage with an empty conversationId', 'request.conversationId', () => chat.sendMessage({ conversationId: '', blocks })],
      ['sendMessage with a blank conversationId', 'request.conversationId', () => chat.sendMessage({ conversationId: '  ', blocks })],
      ['sendMessage with conversationId ".."', 'request.conversationId', () => chat.sendMessage({ conversationId: '..', blocks })],
      ['sendMessage with no blocks', 'request.blocks', () => chat.sendMessage({ conversationId: 'c', blocks: [] })],
      [
        'sendMessage with a text of 100,001 characters',
        'request.blocks[0].content',
        () => chat.sendMessage({ conversationId: 'c', blocks: [text('x'.repeat(100_001), null)] }),
      ],
      [
        'sendMessage with a plainText of 100,001 characters',
        'request.blocks[1].plainText',
        () => chat.sendMessage({ conversationId: 'c', blocks: [text('a'), text('b', 'x'.repeat(100_001))] }),
      ],
      [
        'sendMessage with a clientMessageId of 129 characters',
        'request.clientMessageId',
        () => chat.sendMessage({ conversationId: 'c', blocks, clientMessageId: 'x'.repeat(129) }),
      ],
      [
        'sendMessage with an empty clientMessageId',
        'request.clientMessageId',
        () => chat.sendMessage({ conversationId: 'c', blocks, clientMessageId: '' }),
      ],
      [
        'sendMessage with an empty replyToMessageId',
        'request.replyToMessageId',
        () => chat.sendMessage({ conversationId: 'c', blocks, replyToMessageId: '' }),
      ],
      ['editMessage with no blocks', 'request.newBlocks', () => chat.editMessage({ messageId: 'm', newBlocks: [] })],
      [
        'editMessage with a text of 100,001 characters',
        'request.newBlocks[0].content',
        () => chat.editMessage({ messageId: 'm', newBlocks: [text('x'.repeat(100_001), null)] }),
      ],
      ['editMessage with messageId ".."', 'request.messageId', () => chat.editMessage({ messageId: '..', newBlocks: blocks })],
      ['editMessage with an empty messageId', 'request.messageId', () => chat.editMessage({ messageId: '', newBlocks: blocks })],
      ['deleteMessage with messageId "."', 'request.messageId', () => chat.deleteMessage({ messageId: '.' })],
      ['recoverMessage with an empty messageId', 'request.messageId', () => chat.recoverMessage({ messageId: '' })],
      [
        'addReaction with an empty conversationId',
        'request.conversationId',
        () => chat.addReaction({ messageId: 'm', conversationId: '', emoji: '👍' }),
      ],
      ['removeReaction with an empty emoji', 'request.emoji', () => chat.removeReaction({ messageId: 'm', emoji: '' })],
      ['joinConversation("..")', 'conversationId', () => chat.joinConversation('..')],
      ['markAsRead("c", ".")', 'messageId', () => chat.markAsRead('c', '.')],
    ];
    for (const [name, argument, run] of cases) {
      it(`${name} throws InvalidArgumentError naming "${argument}"`, () => {
        expectRefused(run, argument);
        expect(chat.status).to.deep.equal({ status: 'disconnected' });
      });
    }

    it('the limits themselves pass: 100,000 characters of text (under maxMessageBytes: Infinity), a 128-character clientMessageId', () => {
      const roomy = new ChatHubClient({ url: 'http://127.0.0.1:9/hubs/chat', maxMessageBytes: Number.POSITIVE_INFINITY });
      expect(() =>
        roomy.sendMessage({ conversationId: 'c', blocks: [text('x'.repeat(100_000))], clientMessageId: 'x'.repeat(128) }),
      ).not.to.throw();
      expect(() => roomy.editMessage({ messageId: 'm', newBlocks: [text('x'.repeat(100_000))] })).not.to.throw();
      expect(() =>
        chat.sendMessage({ conversationId: 'c', blocks, clientMessageId: 'x'.repeat(128), replyToMessageId: null }),
      ).not.to.throw();
    });

    it('maxMessageBytes must be a positive whole number (or Infinity)', () => {
      for (const bad of [0, -1, 1.5, Number.NaN, '32768']) {
        expectRefused(
          () => new ChatHubClient({ url: 'http://127.0.0.1:9/hubs/chat', maxMessageBytes: any(bad) }),
          'options.maxMessageBytes',
        );
      }
    });
  });

  describe('timeline(id).send', () => {
    const client = createChatClient({ baseUrl: 'http://127.0.0.1:9', token: 't' });
    const timeline = client.timeline('conv-1');
    const cases: Array<[string, string, () => unknown]> = [
      ['send(42)', 'content', () => timeline.send(any(42))],
      ['send(null)', 'content', () => timeline.send(any(null))],
      ['send({})', 'content', () => timeline.send(any({ $type: 'text' }))],
      ['send("   ")', 'content', () => timeline.send('   ')],
      ['send([])', 'content', () => timeline.send([])],
      ['send([42])', 'content', () => timeline.send(any([42]))],
      [
        'send([a malformed text block])',
        'content',
        () => timeline.send(any([{ $type: 'text', format: 'Plain', content: 5, plainText: null }])),
      ],
      ['send(a string of 100,001 characters)', 'content', () => timeline.send('x'.repeat(100_001))],
      ['send([a text block of 100,001 characters])', 'content[0].content', () => timeline.send([text('x'.repeat(100_001), null)])],
      ['send("hi", null)', 'options', () => timeline.send('hi', any(null))],
      [
        'send("hi", {clientMessageId: 129 characters})',
        'options.clientMessageId',
        () => timeline.send('hi', { clientMessageId: 'x'.repeat(129) }),
      ],
      ['send("hi", {clientMessageId: ""})', 'options.clientMessageId', () => timeline.send('hi', { clientMessageId: '' })],
      ['send("hi", {replyToMessageId: ".."})', 'options.replyToMessageId', () => timeline.send('hi', { replyToMessageId: '..' })],
      ['send("hi", {mentions: "x"})', 'options', () => timeline.send('hi', any({ mentions: 'x' }))],
      ['retry(7)', 'clientMessageId', () => timeline.retry(any(7))],
    ];
    for (const [name, argument, run] of cases) {
      it(`${name} throws InvalidArgumentError naming "${argument}"`, () => expectRefused(run, argument));
    }

    it('nothing enters the timeline when send() throws', () => {
      const seen: Array<readonly TimelineMessage[]> = [];
      const subscription: Subscription = timeline.messages$.subscribe((messages) => seen.push(messages));
      try {
        expect(() => timeline.send(any(42))).to.throw(InvalidArgumentError);
        expect(() => timeline.send('hi', { clientMessageId: 'x'.repeat(129) })).to.throw(InvalidArgumentError);
        expect(timeline.messages).to.deep.equal([]);
        expect(seen.flat()).to.deep.equal([]);
      } finally {
        subscription.unsubscribe();
      }
    });

    it('client.timeline("..") and client.timeline(".") are refused (conversationId)', () => {
      expectRefused(() => client.timeline('..'), 'conversationId');
      expectRefused(() => client.timeline('.'), 'conversationId');
    });

    it('the limits themselves pass: 100,000 characters, a 128-character clientMessageId, blocks with mentions', () => {
      expect(() => timeline.send('x'.repeat(100_000), { clientMessageId: 'x'.repeat(128) })).not.to.throw();
      expect(() =>
        timeline.send([text('a'), { $type: 'divider' }], {
          mentions: [{ type: 'All', targetId: null, displayName: 'all', offset: null, length: null }],
        }),
      ).not.to.throw();
    });
  });
});
