/**
 * Seed README §20 "Ví dụ đầy đủ" (full examples 1–5), lines 1835–2038, run against
 * `chat-client-rx/compat`. The application functions the seed leaves to the reader
 * (`updateBadge`, `appendMessageToUI`, …) record their calls; the tests then do what a user
 * would (another user writes, types, goes offline; the server drops the connection) and check
 * what the example made of it. The seed file ends in the middle of example 5 (line 2038,
 * `hideReconnectingUI();`): its last `});` is added.
 */
import { HubConnectionState } from '@microsoft/signalr';
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
// seed lines 1839–1840
import { ChatClient, ChatApiError } from '../../src/compat/index.js';
import type { ChatMessageDto } from '../../src/compat/index.js';
// seed line 2002
import { ReconnectionManager } from '../../src/compat/index.js';
import { within } from '../support/wait.js';
import { GOOGLE_ID_TOKEN, GOOGLE_USER, Witness, appFunction, captureConsole, seedSuite, waitFor, watchHub } from './seed-kit.js';

describe('seed §20 full examples (compat)', () => {
  const kit = seedSuite();
  const out = captureConsole();

  it('Ví dụ 1: Chat app cơ bản (lines 1837–1915)', async () => {
    const friend = await Witness.create(kit, 'full-friend'); // not in the seed: the other side of the chat
    kit.defer(() => friend.close());
    const alice = await kit.http<{ token: string }>(null, 'POST', '/api/auth/login/google', { idToken: GOOGLE_ID_TOKEN });
    const conversation = await kit.conversation(alice.token, { type: 'Group', name: 'full', participantIds: [friend.id] });
    await friend.join(conversation.id);
    const googleIdToken = GOOGLE_ID_TOKEN; // placeholder in the seed
    // The application's UI functions, which the seed leaves to the reader: they record their calls.
    const updateBadge = appFunction<[string, number]>();
    const appendMessageToUI = appFunction<[ChatMessageDto]>();
    const showTypingIndicator = appFunction<[string]>();
    const setProgress = appFunction<[number]>();

    // 1. Khởi tạo
    const client = new ChatClient({ baseUrl: kit.url }); // seed: 'https://chat-api.example.com'
    kit.track(client); // not in the seed: teardown

    // 2. Đăng nhập
    await client.auth.loginWithGoogle(googleIdToken);
    console.log('Xin chào,', client.currentUser?.fullName);

    // 3. Kết nối hub (thứ tự: notifications trước, chat sau)
    await client.realtime.notifications.connect();
    await client.realtime.chat.connect();

    // 4. Lắng nghe thông báo
    client.realtime.notifications.on('newMessageNotification', (notification) => {
      console.log(`[${notification.conversationId}] ${notification.senderName}: ${notification.contentPreview}`);
    });

    client.realtime.notifications.on('unreadCountChanged', (dto) => {
      updateBadge(dto.conversationId, dto.unreadCount);
    });

    // 5. Mở cuộc hội thoại và chat
    const convId = conversation.id; // seed: 'conv-id-here'
    await client.realtime.chat.joinConversation(convId);

    // Lắng nghe tin nhắn
    const unsubMsg = client.realtime.chat.on('messageReceived', (msg: ChatMessageDto) => {
      appendMessageToUI(msg);
    });

    // Lắng nghe typing
    client.realtime.chat.on('typingStarted', (dto) => {
      showTypingIndicator(dto.participantName);
    });

    // 6. Gửi tin nhắn
    async function sendMessage(text: string) {
      const ack = await client.realtime.chat.sendMessage({
        conversationId: convId,
        blocks: [{ $type: 'text', format: 'Plain', content: text, plainText: text }],
      });
      if (!ack.success) throw new Error(ack.errorMessage);
    }

    // 7. Upload và gửi file
    async function sendFile(file: File) {
      const { storageKey } = await client.files.uploadFile(file, (loaded, total) => {
        setProgress(Math.round((loaded / total) * 100));
      });

      await client.realtime.chat.sendMessage({
        conversationId: convId,
        blocks: [
          {
            $type: 'file',
            source: { storageKey },
            fileName: file.name,
            mimeType: file.type,
            fileSizeBytes: file.size,
          },
        ],
      });
    }

    // 8. Đánh máy indicator
    let typingTimer: ReturnType<typeof setTimeout>;
    function onUserType() {
      client.realtime.chat.startTyping(convId);
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => client.realtime.chat.stopTyping(convId), 2000);
    }

    // 9. Dọn dẹp khi thoát
    async function cleanup() {
      unsubMsg(); // Hủy event listener
      await client.disconnect();
    }

    // ---- The test drives the app.
    expect(out.lines()[0]).to.deep.equal(['Xin chào,', GOOGLE_USER.fullName]);
    // The friend writes: a notification line, a badge, the message in the UI.
    const fromFriend = (await kit.send(friend.token, convId, 'chào Alice')).id;
    await waitFor(() => appendMessageToUI.calls.some(([m]) => m.id === fromFriend), 5000, 'the friend message in the UI');
    await waitFor(() => updateBadge.calls.length > 0, 5000, 'the badge');
    expect(updateBadge.calls[updateBadge.calls.length - 1]).to.deep.equal([convId, 1]);
    await waitFor(() => out.lines().length === 2, 5000, 'the notification line');
    expect(out.lines()[1]).to.deep.equal([`[${convId}] full-friend: chào Alice`]);
    // The friend types.
    await firstValueFrom(friend.client.realtime.chat.startTyping(convId), { defaultValue: undefined });
    await waitFor(() => showTypingIndicator.calls.length > 0, 5000, 'the typing indicator');
    expect(showTypingIndicator.calls[0]).to.deep.equal(['full-friend']);
    // Alice writes, sends a file and types.
    const friendGot = friend.events<ChatMessageDto>('chat', 'messageReceived');
    await sendMessage('chào bạn');
    await sendFile(new File(['%PDF-1.4 report'], 'report.pdf', { type: 'application/pdf' })); // the seed's File from an <input>
    await waitFor(() => friendGot.length >= 2, 5000, "Alice's two messages at the friend");
    expect(friendGot.map((m) => m.blocks[0]?.$type)).to.deep.equal(['text', 'file']);
    expect(friendGot[0]?.plainTextContent).to.equal('chào bạn');
    expect(friendGot[1]?.blocks[0]).to.deep.include({ fileName: 'report.pdf', mimeType: 'application/pdf', fileSizeBytes: 15 });
    expect(setProgress.calls[setProgress.calls.length - 1]).to.deep.equal([100]);
    const typing = friend.events<{ participantId: string }>('chat', 'typingStarted');
    const stopped = friend.events<{ participantId: string }>('chat', 'typingStopped');
    onUserType();
    await waitFor(() => typing.some((t) => t.participantId === GOOGLE_USER.id), 5000, 'typingStarted at the friend');
    await waitFor(() => stopped.some((t) => t.participantId === GOOGLE_USER.id), 5000, 'typingStopped 2 s later');
    // Leaving.
    await cleanup();
    expect([client.realtime.chat.state, client.realtime.notifications.state]).to.deep.equal([
      HubConnectionState.Disconnected,
      HubConnectionState.Disconnected,
    ]);
  });

  it('Ví dụ 2: infinite scroll (lines 1917–1942)', async () => {
    const client = await kit.user('full-scroller'); // the seed's `client`, logged in
    const { token } = await kit.login('full-scroller');
    const { id: conversationId } = await kit.conversation(token, { type: 'Self', participantIds: [] });
    const sent: string[] = [];
    for (let i = 0; i < 65; i++) sent.push((await kit.send(token, conversationId, `m${i}`)).id);
    const ui: string[] = []; // not in the seed: the message list of the UI, oldest first
    const prependMessageToUI = (msg: { id: string }) => ui.unshift(msg.id);
    const hideLoadMoreButton = appFunction<[]>();

    let cursor: string | null = null;
    let loading = false;

    async function loadMoreMessages(conversationId: string) {
      if (loading) return;
      loading = true;

      try {
        const result = await client.messages.getHistory(conversationId, {
          limit: 30,
          cursor: cursor ?? undefined,
          direction: 'older',
        });

        result.items.forEach((msg) => prependMessageToUI(msg));
        cursor = result.nextCursor;

        if (!result.hasMore) {
          hideLoadMoreButton();
        }
      } finally {
        loading = false;
      }
    }

    await Promise.all([loadMoreMessages(conversationId), loadMoreMessages(conversationId)]); // a double scroll: one request
    expect(ui).to.have.length(30);
    expect(hideLoadMoreButton.calls).to.deep.equal([]);
    await loadMoreMessages(conversationId);
    await loadMoreMessages(conversationId);
    expect(ui).to.deep.equal(sent); // every message once, oldest first
    expect(hideLoadMoreButton.calls).to.have.length(1);
  });

  it('Ví dụ 3: online status (lines 1944–1968)', async () => {
    const client = await kit.user('full-presence'); // the seed's `client`, logged in
    const friend = await Witness.create(kit, 'full-presence-friend'); // not in the seed: online, then goes away
    const { token } = await kit.login('full-presence');
    await kit.login('full-presence-offline');
    const conv = await kit.conversation(token, { type: 'Group', name: 'presence', participantIds: [friend.id, 'full-presence-offline'] });
    const indicators = new Map<string, boolean>(); // not in the seed: what the UI shows
    const updateOnlineIndicator = (participantId: string, isOnline: boolean) => void indicators.set(participantId, isOnline);
    const showLastSeen = appFunction<[string, Date]>();

    await client.realtime.notifications.connect();

    // Load danh sách participant trong cuộc hội thoại
    const participants = await client.conversations.getParticipants(conv.id); // seed: 'conv-id'
    const participantIds = participants.map((p) => p.participantId);

    // Moved up from after the subscribe (seed lines 1955–1960): the server sends presenceState while answering
    // subscribeToPresence, before the awaited call returns, so a handler registered after it never sees it.
    // Nhận trạng thái ban đầu
    client.realtime.notifications.on('presenceState', (states) => {
      states.forEach((s) => {
        updateOnlineIndicator(s.participantId, s.isOnline);
      });
    });

    // Subscribe presence
    await client.realtime.notifications.subscribeToPresence(participantIds);

    // Cập nhật real-time
    client.realtime.notifications.on('presenceChanged', (dto) => {
      updateOnlineIndicator(dto.participantId, dto.isOnline);
      if (!dto.isOnline && dto.lastSeenAt) {
        showLastSeen(dto.participantId, new Date(dto.lastSeenAt));
      }
    });

    await waitFor(() => indicators.size === 3, 5000, 'the initial state of the three participants');
    expect(Object.fromEntries(indicators)).to.deep.equal({ 'full-presence': true, [friend.id]: true, 'full-presence-offline': false });
    const leftAt = Date.now();
    await friend.close(); // not in the seed: the friend goes offline
    await waitFor(() => showLastSeen.calls.length > 0, 5000, 'the last seen of the friend');
    expect(indicators.get(friend.id)).to.equal(false);
    const [who, when] = showLastSeen.calls[0] as [string, Date];
    expect(who).to.equal(friend.id);
    expect(Math.abs(when.getTime() - leftAt)).to.be.lessThan(5000);
  });

  it('Ví dụ 4: bot streaming (lines 1970–1998)', async () => {
    const client = await kit.user('full-streamer'); // the seed's `client`, logged in and joined to a conversation with echo-bot
    const { token } = await kit.login('full-streamer');
    const { id: convId } = await kit.conversation(token, { type: 'Group', name: 'bot', participantIds: ['echo-bot'] });
    await client.realtime.chat.connect();
    await client.realtime.chat.joinConversation(convId);
    // The application's UI functions: they record their calls.
    const addStreamingPlaceholder = appFunction<[string, string]>();
    const updateStreamStatus = appFunction<[string, string]>();
    const updateStreamingText = appFunction<[string, string]>();
    const replaceWithFinalMessage = appFunction<[ChatMessageDto]>();
    const showStreamError = appFunction<[string, string]>();

    const streamBuffers = new Map<string, string[]>();

    client.realtime.chat.on('streamStarted', (dto) => {
      streamBuffers.set(dto.streamId, []);
      addStreamingPlaceholder(dto.messageId, dto.senderName);
    });

    client.realtime.chat.on('streamStatusUpdated', (dto) => {
      updateStreamStatus(dto.messageId, dto.status); // e.g. "thinking", "searching"
    });

    client.realtime.chat.on('streamChunkReceived', (dto) => {
      const chunks = streamBuffers.get(dto.streamId) ?? [];
      chunks.push(dto.text);
      streamBuffers.set(dto.streamId, chunks);
      updateStreamingText(dto.messageId, chunks.join(''));
    });

    client.realtime.chat.on('streamCompleted', (dto) => {
      streamBuffers.delete(dto.streamId);
      replaceWithFinalMessage(dto.message); // ChatMessageDto đầy đủ
    });

    client.realtime.chat.on('streamAborted', (dto) => {
      streamBuffers.delete(dto.streamId);
      showStreamError(dto.messageId, dto.reason);
    });

    await kit.send(token, convId, 'xin chào bot'); // not in the seed: a message the bot answers
    await waitFor(() => replaceWithFinalMessage.calls.length === 1, 5000, 'the final message');
    const [[messageId, senderName]] = addStreamingPlaceholder.calls as [[string, string]];
    expect(senderName).to.equal('Echo Bot');
    expect(updateStreamStatus.calls).to.deep.equal([[messageId, 'thinking']]);
    const texts = updateStreamingText.calls.map(([id, text]) => (id === messageId ? text : `other ${id}`));
    expect(texts.length).to.be.greaterThan(1);
    expect(texts[texts.length - 1]).to.equal('You said: xin chào bot');
    expect(texts.every((t, i) => i === 0 || t.startsWith(texts[i - 1] as string))).to.equal(true); // each text extends the last
    expect(replaceWithFinalMessage.calls[0]?.[0]).to.deep.include({ id: messageId, plainTextContent: 'You said: xin chào bot' });
    expect(streamBuffers.size).to.equal(0);

    await kit.send(token, convId, 'abort please'); // not in the seed: the gateway's bot aborts on "abort"
    await waitFor(() => showStreamError.calls.length === 1, 5000, 'the stream error');
    expect(showStreamError.calls[0]?.[1]).to.be.a('string').and.not.equal('');
    expect(streamBuffers.size).to.equal(0);
  });

  it('Ví dụ 5: errors and token refresh (lines 2000–2038)', async () => {
    // The seed's `client`, logged in, hubs connected. Not the seed's: short hub reconnect delays (an option of
    // chat-client-rx/compat), so that the hubs' own reconnecting gives up at once on the expired token below.
    const client = await kit.user('full-refresh', { hubs: { reconnectDelays: [50, 100, 200] } });
    await client.realtime.notifications.connect();
    await client.realtime.chat.connect();
    const { token } = await kit.login('full-refresh');
    const { id: convId } = await kit.conversation(token, { type: 'Self', participantIds: [] });
    await client.realtime.chat.joinConversation(convId);
    // The application's pieces: its auth service, storage and UI.
    const saved = new Map<string, string>();
    const localStorage = { setItem: (key: string, value: string) => void saved.set(key, value) }; // Node has no localStorage
    const refreshes = appFunction<[]>();
    let bothLost: Promise<unknown> = Promise.resolve(); // set below, before the token expires
    const myAuthService = {
      // It answers once both hubs have lost their connection, so that both are certain to need the same refresh.
      refreshToken: async (): Promise<string | null> => {
        refreshes();
        await bothLost;
        return (await kit.login('full-refresh')).token;
      },
    };
    const showReconnectingUI = appFunction<[]>();
    const hideReconnectingUI = appFunction<[]>();

    let isRefreshing = false;

    const manager = new ReconnectionManager({
      chatHub: client.realtime.chat,
      notificationHub: client.realtime.notifications,
      onTokenExpired: async () => {
        if (isRefreshing) return null;
        isRefreshing = true;
        try {
          const newToken = await myAuthService.refreshToken();
          if (newToken) {
            client.setToken(newToken);
            localStorage.setItem('token', newToken);
          }
          return newToken;
        } finally {
          isRefreshing = false;
        }
      },
    });

    manager.start();
    kit.defer(() => manager.stop()); // not in the seed: teardown

    // Lắng nghe lỗi hub
    client.realtime.chat.on('error', (err) => {
      console.error(`Hub error [${err.code}]: ${err.message}`);
    });

    client.realtime.chat.on('disconnected', (err) => {
      if (err) console.warn('ChatHub disconnected:', err.message);
      showReconnectingUI();
    });

    client.realtime.chat.on('reconnected', () => {
      hideReconnectingUI();
    }); // the seed file ends before this line

    // A server error on the hub.
    await kit.gw.faults.emitRaw(convId, 'Error', { code: 'RATE_LIMITED', message: 'Too many messages' });
    await waitFor(() => out.lines('error').length > 0, 5000, 'the hub error line');
    expect(out.lines('error')).to.deep.equal([['Hub error [RATE_LIMITED]: Too many messages']]);

    // The connection drops and SignalR reconnects by itself: the UI is told. (What the hubs go through is recorded
    // from before each fault, and waited on as events, not as states seen when polled.)
    const hubs = [client.realtime.chat, client.realtime.notifications];
    const outage = hubs.map((hub) => watchHub(kit, hub));
    await kit.gw.faults.dropConnections({ allowReconnect: true });
    await within(Promise.all(outage.map((w) => w.reconnected)), 10_000, 'both hubs back after the drop');
    expect(hideReconnectingUI.calls).to.have.length(1);
    expect(outage.map((w) => w.disconnects)).to.deep.equal([[], []]); // reconnected by themselves: no `disconnected`

    // The token expires and the server closes the hubs for good: the manager refreshes the token and reconnects.
    const expiry = hubs.map((hub) => watchHub(kit, hub));
    bothLost = Promise.all(expiry.map((w) => w.disconnected));
    await kit.gw.faults.expireTokens();
    await kit.gw.faults.dropConnections({ allowReconnect: false });
    await within(Promise.all(expiry.map((w) => w.reconnected)), 15_000, 'both hubs reconnected by the manager');
    expect(showReconnectingUI.calls).to.have.length(1); // the chat hub's final disconnect
    expect([client.realtime.chat.state, client.realtime.notifications.state]).to.deep.equal([
      HubConnectionState.Connected,
      HubConnectionState.Connected,
    ]);
    expect(refreshes.calls).to.have.length(1);
    expect(saved.get('token')).to.be.a('string');
    // The refreshed token is the client's: REST works again.
    const failure = await client.conversations.getById(convId).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure instanceof ChatApiError ? failure.status : failure).to.equal(null);
  });
});
