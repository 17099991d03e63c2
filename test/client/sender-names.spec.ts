/**
 * One sender, one name: REST history carries no `senderName` (live hub messages do), so the
 * client resolves it — timelines and `messages$` alike — from what it learned live, else with
 * one batched participants lookup.
 */
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { ClientKit, group, sendRest, waitFor } from './client-kit.js';

describe('sender names: the same in history and live', () => {
  let gw: TestGateway;
  const kit = new ClientKit(() => gw);
  before(async () => {
    gw = await startTestGateway({ bot: false });
  });
  afterEach(async () => kit.closeAll());
  after(async () => gw.close());

  it('a message loaded from history is named like its live copy (batched lookup of the sender)', async () => {
    const bob = await kit.user('bob');
    const alice = await kit.user('alice');
    const conversation = await group(bob.client, [alice.id]);
    const earlier = await sendRest(bob.client, conversation.id, 'said before alice looked');
    const bobName = (await firstValueFrom(alice.client.participants.getById(bob.id))).fullName;

    const timeline = kit.record(alice.client.timeline(conversation.id).messages$);
    await waitFor(() => timeline.values.at(-1)?.some((m) => m.id === earlier) === true, 10_000, 'the history page');
    const fromHistory = timeline.values.at(-1)?.find((m) => m.id === earlier);
    expect(fromHistory?.senderName).to.equal(bobName);

    const live = await sendRest(bob.client, conversation.id, 'said while alice looks');
    await waitFor(
      () => timeline.values.at(-1)?.some((m) => m.id === live && m.status === 'confirmed') === true,
      10_000,
      'the live message',
    );
    const fromLive = timeline.values.at(-1)?.find((m) => m.id === live);
    expect(fromLive?.senderName).to.equal(bobName);
  });
});
