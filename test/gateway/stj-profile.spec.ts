import { expect } from 'chai';
import * as C from '../../src/codecs/index.js';
import { nestedObject } from '../support/nested.js';
import { bindingError, formatDateTimeOffset, ServerClock, stjInputError, writeNulls } from '../../src/gateway/stj-profile.js';

describe('gateway: the System.Text.Json wire profile', () => {
  describe('writeNulls', () => {
    it('writes null for every absent optional member, at any depth, and keeps the rest', () => {
      const message = {
        id: 'm1',
        conversationId: 'c1',
        senderId: 'u1',
        senderName: 'U',
        senderType: 'User' as const,
        blocks: [
          {
            $type: 'image' as const,
            source: { url: 'https://x/y.png' },
            thumbnail: null,
            altText: null,
            width: null,
            height: null,
            caption: null,
            fileSizeBytes: null,
          },
        ],
        plainTextContent: null,
        replyToMessageId: null,
        quickReplies: null,
        isEdited: false,
        reactions: null,
        mentions: null,
        createdAt: '2026-12-04T18:20:36+00:00',
        updatedAt: null,
        clientMessageId: null,
        systemEvent: { type: 'MemberLeft' as const, actorId: null },
      };
      const wire = writeNulls(C.ChatMessageDto, message) as Record<string, unknown>;
      expect(wire.senderAvatar).to.equal(null);
      expect((wire.blocks as Array<{ source: unknown }>)[0]?.source).to.deep.equal({ storageKey: null, url: 'https://x/y.png' });
      expect(wire.systemEvent).to.deep.equal({
        type: 'MemberLeft',
        actorId: null,
        targetIds: null,
        metadata: null,
        actorName: null,
        targetNames: null,
      });
      expect(message).not.to.have.property('senderAvatar'); // the input is not changed
      expect(C.ChatMessageDto.is(wire)).to.equal(true);
    });

    it('fills acks and arrays of DTOs', () => {
      expect(writeNulls(C.SendMessageAck, { success: true, messageId: 'm1' })).to.deep.equal({
        success: true,
        messageId: 'm1',
        clientMessageId: null,
        createdAt: null,
        errorCode: null,
        errorMessage: null,
      });
      expect(writeNulls(C.PresenceStateDto, [{ participantId: 'p', isOnline: true }])).to.deep.equal([
        { participantId: 'p', isOnline: true, lastSeenAt: null },
      ]);
    });
  });

  describe('timestamps', () => {
    it('formats a DateTimeOffset as STJ does: 7 digits with trailing zeros trimmed, +00:00', () => {
      const ms = Date.UTC(2026, 11, 4, 18, 20, 36, 120);
      expect(formatDateTimeOffset(ms)).to.equal('2026-12-04T18:20:36.12+00:00');
      expect(formatDateTimeOffset(ms, 4567)).to.equal('2026-12-04T18:20:36.1204567+00:00');
      expect(formatDateTimeOffset(Date.UTC(2026, 11, 4, 18, 20, 36))).to.equal('2026-12-04T18:20:36+00:00');
    });

    it('ServerClock stamps strictly increasing times within one millisecond', () => {
      const clock = new ServerClock(() => Date.UTC(2026, 11, 4, 18, 20, 36, 5));
      const stamps = [clock.stamp(), clock.stamp(), clock.stamp()];
      expect(stamps).to.deep.equal([
        '2026-12-04T18:20:36.005+00:00',
        '2026-12-04T18:20:36.0050001+00:00',
        '2026-12-04T18:20:36.0050002+00:00',
      ]);
      for (let i = 1; i < stamps.length; i++) expect(C.compareIsoDateTimes(stamps[i] as string, stamps[i - 1] as string)).to.equal(1);
    });
  });

  describe('stjInputError', () => {
    it('refuses a block whose $type is not its first property, naming the path', () => {
      expect(
        stjInputError({
          blocks: [
            { $type: 'text', content: 'a' },
            { content: 'b', $type: 'text' },
          ],
        }),
      ).to.deep.equal({
        path: '$.blocks[1].$type',
        message: 'The metadata property is either not supported by the type or is not the first property in the deserialized JSON object.',
      });
      expect(stjInputError({ messageId: 'm', newBlocks: [{ format: 'Plain', $type: 'text' }] })?.path).to.equal('$.newBlocks[0].$type');
      expect(stjInputError({ blocks: [{ $type: 'text', content: 'a' }] })).to.equal(null);
    });

    it('refuses nesting deeper than 64 (the root is depth 1), at any depth and without recursion', () => {
      expect(stjInputError(nestedObject(64))).to.equal(null);
      expect(stjInputError(nestedObject(65))?.message).to.match(/maximum configured depth of 64/);
      expect(stjInputError(nestedObject(10_000))?.path).to.match(/^\$(\.a){64}$/);
      // A hub argument sits inside the invocation message and its arguments array: two levels fewer.
      expect(stjInputError(nestedObject(62), 2)).to.equal(null);
      expect(stjInputError(nestedObject(63), 2)).not.to.equal(null);
    });
  });

  describe('bindingError', () => {
    const text = { $type: 'text', format: 'Plain', content: 'hi', plainText: null };
    it('names a value of the wrong JSON kind, as STJ fails to bind it', () => {
      expect(bindingError(C.ChatSendMessageRequest, { conversationId: 'c', blocks: 'x' })?.path).to.equal('$.blocks');
      expect(bindingError(C.ChatSendMessageRequest, { conversationId: 7, blocks: [] })?.path).to.equal('$.conversationId');
      expect(bindingError(C.ChatSendMessageRequest, { conversationId: 'c', blocks: [text, { ...text, content: 5 }] })?.path).to.equal(
        '$.blocks[1].content',
      );
      expect(bindingError(C.ChatDeleteMessageRequest, 'm1')?.path).to.equal('$');
    });

    it('refuses an enum name the enum does not have and a block without a known $type', () => {
      expect(bindingError(C.ChatSendMessageRequest, { conversationId: 'c', blocks: [{ ...text, format: 'Shouting' }] })?.path).to.equal(
        '$.blocks[0].format',
      );
      expect(bindingError(C.ChatSendMessageRequest, { conversationId: 'c', blocks: [{ $type: 'hologram' }] })?.path).to.equal(
        '$.blocks[0]',
      );
      expect(bindingError(C.ChatSendMessageRequest, { conversationId: 'c', blocks: [{ content: 'no type' }] })?.path).to.equal(
        '$.blocks[0]',
      );
    });

    it("lets absent members, nulls and rule violations through to the server's own validation", () => {
      expect(bindingError(C.ChatSendMessageRequest, { blocks: [] })).to.equal(null);
      expect(bindingError(C.ChatSendMessageRequest, { conversationId: null, blocks: [text], replyToMessageId: null })).to.equal(null);
      expect(bindingError(C.ChatSendMessageRequest, null)).to.equal(null);
      expect(bindingError(C.CreateUploadUrlRequest, { fileName: '', contentType: 'x/y', fileSize: -1 })).to.equal(null);
    });
  });
});
