/**
 * The compat hubs' event registry and lifecycle events, over a hand-driven reactive hub.
 */
import { HubConnectionState } from '@microsoft/signalr';
import { expect } from 'chai';
import { ChatHubClient, HubError, InvalidArgumentError, NotificationHubClient } from '../../src/compat/index.js';
import type { ChatMessageDto, HubErrorDto, SendMessageAck } from '../../src/compat/index.js';
import type { Logger } from '../../src/core/index.js';
import { StubChatHub } from './stub-hub.js';

const hubError = (code: string): HubErrorDto => ({ code, message: `${code} happened` });

describe('compat hub clients: event registry', () => {
  it('handlers added before connect() get events once connected; one subscription per event, however many handlers', async () => {
    const rx = new StubChatHub();
    const chat = new ChatHubClient(rx);
    const seen: string[] = [];
    chat.on('error', (e) => seen.push(`a:${e.code}`));
    chat.on('error', (e) => seen.push(`b:${e.code}`));
    expect(rx.subscriptions.get('error') ?? 0, 'nothing subscribed before connect()').to.equal(0);
    rx.emit('error', hubError('early'));
    await chat.connect();
    expect(rx.subscriptions.get('error')).to.equal(1);
    rx.emit('error', hubError('x'));
    expect(seen).to.deep.equal(['a:x', 'b:x']);
  });

  it('handlers added while connected subscribe at once; the last Unsubscribe or off() unsubscribes', async () => {
    const rx = new StubChatHub();
    const chat = new ChatHubClient(rx);
    await chat.connect();
    const a = (e: HubErrorDto): void => void e;
    const unsubscribeB = chat.on('error', () => undefined);
    chat.on('error', a);
    expect(rx.subscriptions.get('error')).to.equal(1);
    unsubscribeB();
    expect(rx.subscriptions.get('error'), 'a handler is left').to.equal(1);
    chat.off('error', a);
    expect(rx.subscriptions.get('error')).to.equal(0);
  });

  it('disconnect() tears every subscription down but keeps the handlers; the next connect() subscribes them again', async () => {
    const rx = new StubChatHub();
    const chat = new ChatHubClient(rx);
    const received: string[] = [];
    chat.on('messageReceived', (m: ChatMessageDto) => received.push(m.id));
    chat.on('error', () => undefined);
    await chat.connect();
    await chat.disconnect();
    expect([rx.subscriptions.get('messageReceived'), rx.subscriptions.get('error')]).to.deep.equal([0, 0]);
    rx.emit('messageReceived', { id: 'while-down' } as ChatMessageDto);
    await chat.connect(); // the seed's token recipe: disconnect → setToken → connect
    rx.emit('messageReceived', { id: 'after' } as ChatMessageDto);
    expect(received).to.deep.equal(['after']);
    expect(rx.subscriptions.get('messageReceived')).to.equal(1);
  });

  it('a connect() while disconnect() is under way keeps the subscriptions', async () => {
    const rx = new StubChatHub();
    const chat = new ChatHubClient(rx);
    chat.on('error', () => undefined);
    await chat.connect();
    const disconnecting = chat.disconnect();
    const connecting = chat.connect();
    await Promise.all([disconnecting, connecting]);
    expect(rx.subscriptions.get('error')).to.equal(1);
  });

  it('refuses options without a hubUrl (the reactive `url` spelling) and an empty hubUrl', () => {
    expect(() => new ChatHubClient({ url: 'http://x/hubs/chat' } as never)).to.throw(InvalidArgumentError, /hubUrl/);
    expect(() => new NotificationHubClient({ hubUrl: '' })).to.throw(InvalidArgumentError, /hubUrl/);
  });

  it('refuses an unknown event name and a handler that is not a function, at once', () => {
    const chat = new ChatHubClient(new StubChatHub());
    expect(() => chat.on('mesageReceived' as never, () => undefined)).to.throw(InvalidArgumentError);
    expect(() => chat.on('messageReceived', 42 as never)).to.throw(InvalidArgumentError, /handler/);
  });

  it('a throwing handler is reported to the logger and the other handlers still run', async () => {
    const rx = new StubChatHub();
    const logged: Array<[string, string]> = [];
    const logger: Logger = (level, message) => void logged.push([level, message]);
    const chat = new ChatHubClient(rx, { logger });
    const seen: string[] = [];
    chat.on('error', () => {
      throw new Error('handler bug');
    });
    chat.on('error', (e) => seen.push(e.code));
    await chat.connect();
    rx.emit('error', hubError('x'));
    rx.emit('error', hubError('y'));
    expect(seen).to.deep.equal(['x', 'y']);
    expect(logged).to.have.length(2);
    expect(logged[0]?.[0]).to.equal('error');
    expect(logged[0]?.[1]).to.match(/'error'/);
  });
});

describe('compat hub clients: what cannot be delivered', () => {
  it('is logged (level warn) while connected, not lost silently', async () => {
    const rx = new StubChatHub();
    const logged: Array<[string, string]> = [];
    const chat = new ChatHubClient(rx, { logger: (level, message) => void logged.push([level, message]) });
    const decode = new HubError('decode', "chat hub: 'messageReceived' payload is invalid", { hub: 'chat', event: 'messageReceived' });
    rx.errorsSubject.next(decode); // before connect(): not this client's business yet
    await chat.connect();
    rx.errorsSubject.next(decode);
    await chat.disconnect();
    rx.errorsSubject.next(decode);
    expect(logged).to.deep.equal([['warn', "chat hub: 'messageReceived' payload is invalid"]]);
  });
});

describe('compat hub clients: lifecycle events and state', () => {
  async function connected(): Promise<{ rx: StubChatHub; chat: ChatHubClient; events: string[] }> {
    const rx = new StubChatHub();
    const chat = new ChatHubClient(rx);
    const events: string[] = [];
    chat.on('reconnecting', (e) => events.push(`reconnecting:${e?.message}`));
    chat.on('reconnected', (id) => events.push(`reconnected:${id}`));
    chat.on('disconnected', (e) => events.push(`disconnected:${e?.message}`));
    await chat.connect();
    return { rx, chat, events };
  }

  it('reconnecting once per outage (not per attempt), then reconnected with the new connection id', async () => {
    const { rx, chat, events } = await connected();
    const lost = new Error('socket closed');
    rx.set({ status: 'reconnecting', attempt: 1, nextDelayMs: 2000, reason: lost });
    expect(chat.state).to.equal(HubConnectionState.Reconnecting);
    rx.set({ status: 'reconnecting', attempt: 2, nextDelayMs: 5000, reason: new Error('refused') });
    rx.set({ status: 'connected', connectionId: 'conn-2' });
    expect(chat.state).to.equal(HubConnectionState.Connected);
    expect(events).to.deep.equal(['reconnecting:socket closed', 'reconnected:conn-2']);
  });

  it('disconnected with the error when reconnecting gives up; state Disconnected', async () => {
    const { rx, chat, events } = await connected();
    rx.set({ status: 'reconnecting', attempt: 1, nextDelayMs: 2000, reason: undefined });
    const gaveUp = new HubError('auth', 'the server refused the token', { hub: 'chat', status: 401 });
    rx.set({ status: 'failed', error: gaveUp });
    expect(chat.state).to.equal(HubConnectionState.Disconnected);
    expect(events).to.deep.equal(['reconnecting:undefined', 'disconnected:the server refused the token']);
  });

  it('disconnected with undefined after disconnect(), delivered before the subscriptions go', async () => {
    const { chat, events } = await connected();
    await chat.disconnect();
    expect(events).to.deep.equal(['disconnected:undefined']);
    expect(chat.state).to.equal(HubConnectionState.Disconnected);
  });

  it('a first connection still being attempted is Connecting and raises no lifecycle event (as SignalR start())', async () => {
    const rx = new StubChatHub();
    rx.connectMode = 'pending';
    const chat = new ChatHubClient(rx);
    const events: string[] = [];
    chat.on('reconnecting', () => events.push('reconnecting'));
    chat.on('disconnected', () => events.push('disconnected'));
    void chat.connect().catch(() => undefined);
    expect(chat.state).to.equal(HubConnectionState.Connecting);
    rx.set({ status: 'reconnecting', attempt: 1, nextDelayMs: 2000, reason: new Error('refused') });
    expect(chat.state).to.equal(HubConnectionState.Connecting);
    rx.set({ status: 'failed', error: new Error('gave up') });
    expect(chat.state).to.equal(HubConnectionState.Disconnected);
    expect(events).to.deep.equal([]);
  });

  it('no lifecycle event reaches handlers of a hub that was never connected through this client', () => {
    const rx = new StubChatHub();
    const chat = new ChatHubClient(rx);
    const events: string[] = [];
    chat.on('disconnected', () => events.push('disconnected'));
    rx.set({ status: 'connected', connectionId: 'x' });
    rx.set({ status: 'disconnected' });
    expect(events).to.deep.equal([]);
  });
});

describe('compat hub clients: invocations as Promises', () => {
  it('an ack with success: false is the resolved value, not a rejection', async () => {
    const rx = new StubChatHub();
    const chat = new ChatHubClient(rx);
    const failed: SendMessageAck = { success: false, errorCode: 'NOT_PARTICIPANT', errorMessage: 'not a participant' };
    rx.nextAck = failed;
    const ack = await chat.sendMessage({ conversationId: 'c1', blocks: [] });
    expect(ack).to.deep.equal(failed);
    rx.nextAck = { success: true, messageId: 'm2' };
    expect(await chat.sendMessage({ conversationId: 'c1', blocks: [] })).to.deep.equal({ success: true, messageId: 'm2' });
  });

  it('any other failure rejects with the HubError', async () => {
    const chat = new ChatHubClient(new StubChatHub());
    const error = await chat.startTyping('c1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(HubError.is(error) && error.kind).to.equal('invocation');
  });

  it('an argument the reactive hub refuses synchronously rejects the Promise instead of throwing', async () => {
    const chat = new ChatHubClient({ hubUrl: 'http://127.0.0.1:9/hubs/chat', logger: () => undefined });
    let thrown: unknown;
    const pending = (() => {
      try {
        return chat.sendMessage({ conversationId: '', blocks: [] });
      } catch (error) {
        thrown = error;
        return undefined;
      }
    })();
    expect(thrown, 'nothing thrown synchronously').to.equal(undefined);
    const rejection = await pending?.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(InvalidArgumentError.is(rejection)).to.equal(true);
  });

  it('joinedConversations is a copy: changing it changes nothing', () => {
    const chat = new ChatHubClient(new StubChatHub());
    const joined = chat.joinedConversations;
    joined.add('c2');
    expect([...chat.joinedConversations]).to.deep.equal(['c1']);
  });
});
