/**
 * What the REST layer promises beyond each call's result, checked against the embedded gateway:
 * every call is cold (no request before subscribe, one request per subscription), unsubscribing
 * an upload mid-way aborts it (the gateway never stores the file), and a 401 burst after the
 * gateway expired every token runs `refreshToken` once while every call succeeds with the new
 * token (and when `refreshToken` gives up, the 401 reaches the callers).
 */
import { expect } from 'chai';
import { EMPTY, filter, firstValueFrom, lastValueFrom, type Observable, type Subscription } from 'rxjs';
import type { ConversationDto } from '../../../src/codecs/index.js';
import { isUploadDone, type UploadEvent } from '../../../src/http/file-api.js';
import { startTestGateway, uniqueName, type TestGateway } from '../../support/test-gateway.js';
import { waitFor, sleep } from '../../support/wait.js';
import { ClientPool, expectApiError, requestMark, requestTo, text, type LoggedIn } from './client-fixtures.js';

const MB = 1024 * 1024;
const UNKNOWN = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

describe('REST client against the embedded gateway: cold calls, cancellation, token refresh', function () {
  this.timeout(15_000);

  describe('cold-ness and cancellation', () => {
    let gw: TestGateway;
    const pool = new ClientPool(() => gw);
    let alice: LoggedIn;
    let bob: LoggedIn;
    let conversation: ConversationDto;

    before(async () => {
      gw = await startTestGateway({ bot: false });
      [alice, bob] = await Promise.all([pool.login('alice'), pool.login('bob')]);
      conversation = await firstValueFrom(alice.client.conversations.create({ type: 'OneToOne', participantIds: [bob.user.id] }));
    });
    after(async () => {
      await pool.closeAll();
      await gw.close();
    });

    it('no call sends anything before it is subscribed to', async () => {
      const { auth, participants, conversations, messages, files, bots, proxy, health } = alice.client;
      const id = conversation.id;
      const mark = await requestMark(gw);
      const calls: Record<string, Observable<unknown>> = {
        'auth.loginWithDev': auth.loginWithDev('someone', 'pw'),
        'auth.loginWithGoogle': auth.loginWithGoogle('token'),
        'auth.loginWithDsAccount': auth.loginWithDsAccount('token'),
        'auth.login': auth.login('dev', { username: 'someone', password: 'pw' }),
        'participants.createOrUpdate': participants.createOrUpdate({ id: 'p', uniqueName: 'p', fullName: 'P' }),
        'participants.getById': participants.getById(bob.user.id),
        'participants.getByUniqueName': participants.getByUniqueName(bob.user.id),
        'participants.getBatch': participants.getBatch([bob.user.id]),
        'conversations.list': conversations.list(),
        'conversations.listPages': conversations.listPages({ limit: 1 }, { loadMore$: EMPTY }),
        'conversations.listAll': conversations.listAll(),
        'conversations.create': conversations.create({ type: 'Self', participantIds: [] }),
        'conversations.search': conversations.search('x'),
        'conversations.getById': conversations.getById(id),
        'conversations.update': conversations.update(id, { name: 'n' }),
        'conversations.leave': conversations.leave(id),
        'conversations.findOneToOne': conversations.findOneToOne(bob.user.id),
        'conversations.addParticipant': conversations.addParticipant(id, { participantId: bob.user.id }),
        'conversations.removeParticipant': conversations.removeParticipant(id, bob.user.id),
        'conversations.getParticipants': conversations.getParticipants(id),
        'conversations.pin': conversations.pin(id),
        'conversations.unpin': conversations.unpin(id),
        'conversations.markAsRead': conversations.markAsRead(id, UNKNOWN),
        'conversations.markAsUnread': conversations.markAsUnread(id),
        'messages.send': messages.send(id, { blocks: [text('never sent')] }),
        'messages.getHistory': messages.getHistory(id),
        'messages.historyPages': messages.historyPages(id),
        'messages.historyAll': messages.historyAll(id),
        'messages.search': messages.search(id, 'x'),
        'messages.getById': messages.getById(UNKNOWN),
        'messages.edit': messages.edit(UNKNOWN, { blocks: [text('x')] }),
        'messages.delete': messages.delete(UNKNOWN),
        'messages.recover': messages.recover(UNKNOWN),
        'messages.addReaction': messages.addReaction(UNKNOWN, '👍'),
        'messages.removeReaction': messages.removeReaction(UNKNOWN, '👍'),
        'files.createUploadUrl': files.createUploadUrl({ fileName: 'a.txt', contentType: 'text/plain', fileSize: 1 }),
        'files.upload': files.upload('/api/files/upload/x', new Uint8Array(1)),
        'files.uploadFile': files.uploadFile(new Uint8Array(1), { fileName: 'a.bin' }),
        'files.delete': files.delete('a/b.txt'),
        'bots.list': bots.list(),
        'bots.listPages': bots.listPages(),
        'bots.listAll': bots.listAll(),
        'bots.getById': bots.getById(UNKNOWN),
        'bots.create': bots.create({ uniqueName: 'b', fullName: 'B', kafkaTopic: 't' }),
        'bots.update': bots.update(UNKNOWN, {}),
        'bots.activate': bots.activate(UNKNOWN),
        'bots.deactivate': bots.deactivate(UNKNOWN),
        'bots.regenerateKey': bots.regenerateKey(UNKNOWN),
        'bots.delete': bots.delete(UNKNOWN),
        'proxy.get': proxy.get('svc', 'a'),
        'proxy.post': proxy.post('svc', 'a', {}),
        'proxy.request': proxy.request('svc', 'a', { method: 'DELETE' }),
        'health.live': health.live(),
        'health.ready': health.ready(),
      };
      await sleep(50);
      expect(await mark.since(), `requests before any subscribe (${Object.keys(calls).length} calls built)`).to.deep.equal([]);

      // Each subscription sends its own request.
      const getById$ = calls['conversations.getById'] as Observable<ConversationDto>;
      const [first, second] = await Promise.all([firstValueFrom(getById$), firstValueFrom(getById$)]);
      expect(first.id).to.equal(id);
      expect(second).to.deep.equal(first);
      expect(await mark.since(requestTo('GET', `/api/conversations/${id}`))).to.have.length(2);
      expect(await mark.since()).to.have.length(2);
    });

    it('unsubscribing an upload mid-way aborts it: the gateway never stores the file, the ticket stays unused', async () => {
      const size = 40 * MB;
      const bytes = new Uint8Array(size).fill(7);
      const ticket = await firstValueFrom(
        alice.client.files.createUploadUrl({ fileName: 'huge.bin', contentType: 'application/octet-stream', fileSize: size }),
      );
      const mark = await requestMark(gw);
      const events: UploadEvent[] = [];
      let ended: string | undefined;
      let subscription: Subscription | undefined;
      subscription = alice.client.files.upload(ticket.uploadUrl, bytes).subscribe({
        next: (event) => {
          events.push(event);
          // The first progress event: some bytes are on the wire, far from all of them.
          if (event.type === 'progress' && event.loaded > 0) subscription?.unsubscribe();
        },
        error: (error: unknown) => (ended = `error: ${String(error)}`),
        complete: () => (ended = 'complete'),
      });
      if (events.some((e) => e.type === 'progress')) subscription.unsubscribe(); // in case it came synchronously, before `subscription` was set
      await waitFor(() => events.length > 0, 5000, 'the first upload progress event');
      const [progress] = events;
      expect(progress?.type).to.equal('progress');
      expect(progress?.type === 'progress' && progress.loaded < size, 'unsubscribed before the whole body was sent').to.equal(true);

      // The gateway saw the PUT start…
      await waitFor(async () => (await mark.since(requestTo('PUT', ticket.uploadUrl))).length === 1, 2000, 'the PUT to reach the gateway');
      await sleep(200);
      // …but nothing more reached the subscriber, and the file is not there.
      expect(events.filter(isUploadDone)).to.deep.equal([]);
      expect(ended).to.equal(undefined);
      const download = await fetch(alice.client.files.getDownloadUrl(ticket.storageKey));
      expect(download.status).to.equal(404);
      await download.arrayBuffer();

      // The ticket was never consumed: a complete upload with it still succeeds.
      const small = new Uint8Array([1, 2, 3]);
      const done = await lastValueFrom(alice.client.files.upload(ticket.uploadUrl, small).pipe(filter(isUploadDone)));
      expect(done.response).to.deep.include({ storageKey: ticket.storageKey, fileSize: 3 });
      const stored = await fetch(alice.client.files.getDownloadUrl(ticket.storageKey));
      expect([...new Uint8Array(await stored.arrayBuffer())]).to.deep.equal([1, 2, 3]);
    });
  });

  describe('single-flight token refresh', () => {
    let gw: TestGateway;
    const pool = new ClientPool(() => gw);

    beforeEach(async () => {
      gw = await startTestGateway({ bot: false });
    });
    afterEach(async () => {
      await pool.closeAll();
      await gw.close();
    });

    it('after expireTokens, N concurrent calls get 401, refreshToken runs once, and all succeed with the new token', async () => {
      const name = uniqueName('refresher');
      const peer = await gw.login(uniqueName('peer'));
      let refreshCalls = 0;
      const issued: string[] = [];
      const client = pool.create({
        refreshToken: async () => {
          refreshCalls++;
          await sleep(100); // long enough for every 401 of the burst to arrive meanwhile
          const fresh = await gw.login(name);
          issued.push(fresh.token);
          return fresh.token;
        },
      });
      await firstValueFrom(client.auth.loginWithDev(name, 'dev'));
      const pair = await firstValueFrom(client.conversations.create({ type: 'OneToOne', participantIds: [peer.user.id] }));
      const oldToken = client.exportSession().token;

      await gw.faults.expireTokens();
      const probe = await fetch(`${gw.url}/api/conversations`, { headers: { authorization: `Bearer ${oldToken ?? ''}` } });
      expect(probe.status, 'the old token is refused now').to.equal(401);

      const mark = await requestMark(gw);
      const [list, conversation, me, sent, participants] = await Promise.all([
        firstValueFrom(client.conversations.list()),
        firstValueFrom(client.conversations.getById(pair.id)),
        firstValueFrom(client.participants.getById(name)),
        firstValueFrom(client.messages.send(pair.id, { blocks: [text('after refresh')] })),
        firstValueFrom(client.conversations.getParticipants(pair.id)),
      ]);
      expect(refreshCalls).to.equal(1);
      expect(list.items.map((c) => c.id)).to.include(pair.id);
      expect(conversation.id).to.equal(pair.id);
      expect(me.id).to.equal(name);
      expect(sent).to.deep.include({ senderId: name, plainTextIndex: 'after refresh' });
      expect(participants.map((p) => p.participantId)).to.have.members([name, peer.user.id]);

      expect(issued).to.have.length(1);
      expect(client.exportSession().token).to.equal(issued[0]).and.not.equal(oldToken);
      const recorded = await mark.since();
      expect(recorded.filter(requestTo('POST', '/api/auth/login/dev')), 'one refresh login').to.have.length(1);
      // Each call: the refused attempt, then one retry with the new token.
      expect(recorded.filter(requestTo('GET', `/api/conversations/${pair.id}`))).to.have.length(2);
      expect(recorded.filter(requestTo('POST', `/api/conversations/${pair.id}/messages`))).to.have.length(2);
      expect(recorded).to.have.length(11);
      // The message was stored once.
      const history = await firstValueFrom(client.messages.getHistory(pair.id));
      expect(history.items.filter((m) => m.plainTextIndex === 'after refresh')).to.have.length(1);
    });

    it('when refreshToken gives up (null), the 401 reaches every caller and it is not asked again for the same token', async () => {
      let refreshCalls = 0;
      const client = pool.create({
        refreshToken: async () => {
          refreshCalls++;
          await sleep(50);
          return null;
        },
      });
      const name = uniqueName('quitter');
      await firstValueFrom(client.auth.loginWithDev(name, 'dev'));
      await gw.faults.expireTokens();
      const errors = await Promise.all([
        expectApiError(client.conversations.list(), 401),
        expectApiError(client.participants.getById(name), 401),
        expectApiError(client.conversations.search('x'), 401),
      ]);
      expect(errors).to.have.length(3);
      expect(refreshCalls).to.equal(1);
      await expectApiError(client.conversations.list(), 401);
      expect(refreshCalls).to.equal(1);
    });
  });
});
