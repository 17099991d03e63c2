/**
 * Seed README §5 "Participant — ParticipantApi", lines 293–338, run against `chat-client-rx/compat`.
 * The seed's ids ('user-123', 'john_doe', 'id-1'…) are kept: this file's gateway starts empty.
 */
import { expect } from 'chai';
import type { ChatClient, ParticipantDto } from '../../src/compat/index.js';
import { ISO_8601, expectSeedFields, seedSuite } from './seed-kit.js';

describe('seed §5 ParticipantApi (compat)', () => {
  const kit = seedSuite();
  let client: ChatClient;
  beforeEach(async () => {
    // The seed's `client`, logged in. A dev login: only role=dev may write another user's participant.
    client = await kit.user('participants-admin');
  });
  before(async () => {
    // Fixtures for getById / getByUniqueName / getBatch, made over plain HTTP with a dev token.
    const { token } = await kit.login('participants-fixtures');
    for (const id of ['user-123', 'id-1', 'id-3'])
      await kit.http(token, 'POST', '/api/participants', { id, uniqueName: id === 'user-123' ? 'john_doe' : id, fullName: id });
  });

  it('createOrUpdate (lines 303–309): upserts by id and answers the ParticipantDto', async () => {
    const participant = await client.participants.createOrUpdate({
      id: 'user-123',
      uniqueName: 'john_doe',
      fullName: 'John Doe',
      avatar: { url: 'https://example.com/avatar.jpg' },
      gender: 'Male',
    });
    expect(participant).to.deep.include({
      id: 'user-123',
      uniqueName: 'john_doe',
      fullName: 'John Doe',
      gender: 'Male',
      isBot: false,
    });
    expect(participant.avatar?.url).to.equal('https://example.com/avatar.jpg');
    // An upsert: the same id again updates it.
    const renamed = await client.participants.createOrUpdate({ id: 'user-123', uniqueName: 'john_doe', fullName: 'John D.' });
    expect([renamed.id, renamed.fullName]).to.deep.equal(['user-123', 'John D.']);
    await client.participants.createOrUpdate({ id: 'user-123', uniqueName: 'john_doe', fullName: 'John Doe' });
  });

  it('getById (line 313)', async () => {
    const participant = await client.participants.getById('user-123');
    expect([participant.id, participant.uniqueName]).to.deep.equal(['user-123', 'john_doe']);
  });

  it('getByUniqueName (line 317)', async () => {
    const participant = await client.participants.getByUniqueName('john_doe');
    expect(participant.id).to.equal('user-123');
  });

  it('getBatch (line 323): unknown ids are skipped, not an error', async () => {
    const participants = await client.participants.getBatch(['id-1', 'id-2', 'id-3']); // 'id-2' does not exist
    expect(participants.map((p) => p.id).sort()).to.deep.equal(['id-1', 'id-3']);
  });

  it('ParticipantDto (lines 327–338): the type, and the fields the server answers with', async () => {
    const typed: ParticipantDto = {
      id: 'p',
      uniqueName: 'p',
      fullName: 'P',
      avatar: { storageKey: 'k/a.jpg' },
      gender: 'Female',
      isBot: false,
      isOnline: true,
      lastSeenAt: null, // ISO 8601, null khi đang online
      createdAt: '2025-01-01T00:00:00Z',
      updatedAt: '2025-01-01T00:00:00Z',
    };
    expect(typed.isOnline).to.equal(true);
    const live: ParticipantDto = await client.participants.getById('user-123');
    expectSeedFields(
      live,
      ['id', 'uniqueName', 'fullName', 'isBot', 'isOnline', 'createdAt', 'updatedAt'],
      ['avatar', 'gender', 'lastSeenAt'],
      'ParticipantDto',
    );
    expect([live.createdAt, live.updatedAt]).to.satisfy((times: string[]) => times.every((t) => ISO_8601.test(t)));
  });
});
