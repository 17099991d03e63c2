import { expect } from 'chai';
import { concatWith, map } from 'rxjs';
import type { PresenceMap } from '../../src/hubs/presence.js';
import type { FakeNotificationHub } from '../../src/testing/index.js';
import { act, newScheduler, world } from './kit.js';

/** The presence map as `id:online` (and `@lastSeenAt` when offline with one), comma-separated. */
const presence = (map: PresenceMap): string =>
  [...map].map(([id, p]) => `${id}:${p.isOnline}${p.lastSeenAt ? `@${p.lastSeenAt.slice(17)}` : ''}`).join(',');

function connectAndWatch(hub: FakeNotificationHub, ...ids: string[]): void {
  hub
    .connect()
    .pipe(concatWith(hub.subscribeToPresence(ids)))
    .subscribe();
}

describe('FakeNotificationHub', () => {
  it('answers a presence subscription with presenceState, then follows connections and setPresence', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const server = world(scheduler);
      const bob = server.notificationHub('bob');
      const alice = server.notificationHub('alice');
      expectObservable(bob.presence$.pipe(map(presence))).toBe('abcde', {
        a: '',
        b: 'alice:false',
        c: 'alice:true',
        d: 'alice:false@00.003Z',
        e: 'alice:true',
      });
      act(cold, '-scdp', {
        s: () => connectAndWatch(bob, 'alice'),
        c: () => alice.connect().subscribe(),
        d: () => alice.disconnect().subscribe(),
        p: () => server.setPresence('alice', true),
      });
      scheduler.flush();
      expect([...bob.subscribedPresenceIds]).to.deep.equal(['alice']);
      expect(server.isOnline('alice')).to.equal(true);
    });
  });

  it('gets newMessageNotification and unreadCountChanged for messages of others, not for its own', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const server = world(scheduler);
      const bob = server.notificationHub('bob');
      const alice = server.notificationHub('alice');
      expectObservable(bob.on('newMessageNotification').pipe(map((n) => `${n.senderName}>${n.conversationName}:${n.contentPreview}`))).toBe(
        '--n',
        { n: 'Alice>General:hi' },
      );
      expectObservable(bob.on('unreadCountChanged').pipe(map((u) => `${u.conversationId}:${u.unreadCount}:${u.lastMessageId}`))).toBe(
        '--u',
        { u: 'general:1:m000001' },
      );
      expectObservable(alice.on('newMessageNotification')).toBe('---');
      act(cold, '-cp', {
        c: () => {
          bob.connect().subscribe();
          alice.connect().subscribe();
        },
        p: () => server.post('general', 'alice', 'hi'),
      });
    });
  });

  it('subscribes presence again after a new session; what changed while dropped comes with the new presenceState', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const server = world(scheduler);
      const bob = server.notificationHub('bob');
      const alice = server.notificationHub('alice');
      expectObservable(bob.presence$.pipe(map(presence))).toBe('ab--c', { a: '', b: 'alice:false', c: 'alice:true' });
      expectObservable(bob.on('presenceChanged')).toBe('-----');
      act(cold, '-sdcr', {
        s: () => connectAndWatch(bob, 'alice'),
        d: () => bob.dropConnection(),
        c: () => alice.connect().subscribe(),
        r: () => bob.reconnect(),
      });
      scheduler.flush();
      expect(bob.invocations).to.deep.equal([
        { method: 'SubscribeToPresence', args: [['alice']] },
        { method: 'SubscribeToPresence', args: [['alice']] },
      ]);
    });
  });

  it('reports a malformed payload on errors$ (decode) while the stream goes on', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const hub = world(scheduler).notificationHub('alice');
      expectObservable(hub.on('presenceChanged').pipe(map((p) => `${p.participantId}:${p.isOnline}`))).toBe('-a-b', {
        a: 'bob:true',
        b: 'bob:false',
      });
      expectObservable(hub.errors$.pipe(map((e) => `${e.hub}:${e.kind}:${e.event}`))).toBe('--e', {
        e: 'notifications:decode:presenceChanged',
      });
      act(cold, '-abc', {
        a: () => hub.emit('presenceChanged', { participantId: 'bob', isOnline: true }),
        b: () => hub.emit('presenceChanged', { participantId: 'bob', isOnline: 'yes' }),
        c: () => hub.emit('presenceChanged', { participantId: 'bob', isOnline: false, lastSeenAt: null }),
      });
    });
  });
});
