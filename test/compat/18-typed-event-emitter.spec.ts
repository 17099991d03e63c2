/**
 * Seed README §18 "TypedEventEmitter", lines 1758–1780, run against `chat-client-rx/compat`.
 * The seed's `hub` is either hub client; here `client.realtime.chat`, and its 'eventName' is
 * 'messageReceived'. Messages come from a second user over plain HTTP.
 */
import { expect } from 'chai';
import { TypedEventEmitter } from '../../src/compat/index.js';
import type { ChatClient, ChatHubClient, ChatMessageDto, TypingDto } from '../../src/compat/index.js';
import { seedSuite, waitFor } from './seed-kit.js';

describe('seed §18 TypedEventEmitter (compat)', () => {
  const kit = seedSuite();
  let client: ChatClient;
  let hub: ChatHubClient; // the seed's `hub`
  let convId: string;
  let fenceId: string;
  let friendToken: string;
  before(async () => {
    const { token } = await kit.login('emitter-me');
    friendToken = (await kit.login('emitter-friend')).token;
    convId = (await kit.conversation(token, { type: 'Group', name: 'emitter', participantIds: ['emitter-friend'] })).id;
    fenceId = (await kit.conversation(token, { type: 'Group', name: 'fence', participantIds: ['emitter-friend'] })).id;
  });
  beforeEach(async () => {
    client = await kit.user('emitter-me');
    hub = client.realtime.chat;
    await hub.connect();
    await hub.joinConversation(convId);
    await hub.joinConversation(fenceId);
  });

  /** Sends `text` to the conversation, then a fence message elsewhere, and waits for the fence: `text` has been delivered by then. */
  async function deliver(text: string, fence: string[]): Promise<void> {
    await kit.send(friendToken, convId, text);
    await kit.send(friendToken, fenceId, `fence after ${text}`);
    await waitFor(() => fence.includes(`fence after ${text}`), 5000, `the fence after ${text}`);
  }
  /** A listener that stays: it sees the fence messages. */
  function fenceOf(): string[] {
    const seen: string[] = [];
    hub.on('messageReceived', (m) => seen.push(m.plainTextContent ?? ''));
    return seen;
  }

  it('on returns an unsubscribe; off removes the same handler (lines 1762–1769)', async () => {
    const fence = fenceOf();
    const calls: string[] = []; // not in the seed: what each handler saw
    const handler = (payload: ChatMessageDto) => calls.push(`handler ${payload.plainTextContent}`); // the seed's `handler`, registered with on() below
    hub.on('messageReceived', handler); // not in the seed: so that off() has a handler to remove

    // Đăng ký handler — trả về hàm unsubscribe
    const unsub = hub.on('messageReceived', (payload) => {
      /* ... */ calls.push(`unsub ${payload.plainTextContent}`);
    });
    await deliver('one', fence);

    // Hủy bằng hàm unsubscribe
    unsub();
    await deliver('two', fence);

    // Hoặc hủy bằng .off()
    hub.off('messageReceived', handler);
    await deliver('three', fence);

    expect(calls.filter((c) => !c.includes('fence'))).to.deep.equal(['handler one', 'unsub one', 'handler two']);
  });

  it('.off() needs the very same function reference (line 1771)', async () => {
    const fence = fenceOf();
    const calls: string[] = [];
    hub.on('messageReceived', (m) => calls.push(m.plainTextContent ?? ''));
    hub.off('messageReceived', (m) => calls.push(m.plainTextContent ?? '')); // a different function: removes nothing
    await deliver('still here', fence);
    expect(calls).to.include('still here');
  });

  it('removeAllListeners() is not on the hub clients, only on TypedEventEmitter used directly (line 1773)', () => {
    // @ts-expect-error — the seed: "removeAllListeners() không được expose trên ChatHubClient hay NotificationHubClient"
    expect(hub.removeAllListeners).to.equal(undefined);
    // @ts-expect-error — same for the notification hub
    expect(client.realtime.notifications.removeAllListeners).to.equal(undefined);

    // TypedEventEmitter — dùng độc lập hoặc extend (line 118)
    interface Events {
      ping: number;
      typing: TypingDto;
    }
    const emitter = new TypedEventEmitter<Events>();
    const seen: number[] = [];
    emitter.on('ping', (n) => seen.push(n));
    emitter.emit('ping', 1);
    emitter.removeAllListeners();
    emitter.emit('ping', 2);
    expect(seen).to.deep.equal([1]);
  });

  it('cleanup with the saved unsubscribe functions (lines 1775–1780)', async () => {
    const fence = fenceOf();
    const got: string[] = [];
    const handler1 = (m: ChatMessageDto) => got.push(`1 ${m.plainTextContent}`); // the seed's handler1 / handler2: the application's
    const handler2 = (t: TypingDto) => got.push(`2 ${t.participantId}`);

    const unsubs: Array<() => void> = [];
    unsubs.push(hub.on('messageReceived', handler1));
    unsubs.push(hub.on('typingStarted', handler2));
    await deliver('before cleanup', fence);

    // Khi cleanup:
    unsubs.forEach((fn) => fn());

    await deliver('after cleanup', fence);
    expect(got.filter((g) => !g.includes('fence'))).to.deep.equal(['1 before cleanup']);
  });
});
