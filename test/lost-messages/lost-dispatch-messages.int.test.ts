import { type DispatchFixture, dispatchFixture } from '@pronto/dispatcher/testing';
import { afterEach, describe, expect, it } from 'vitest';

let fixture: DispatchFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const types = (history: readonly { type: string }[]) => history.map((entry) => entry.type);

describe("the dispatcher's steps when their messages are lost", () => {
  it('offers a queued lead whose leads message never came, expires an offer that never reached the desktop, and ends a dial the dialer never heard of: each once with two instances', async () => {
    const f = await dispatchFixture();
    fixture = f;
    const [a, b] = [await f.start(), await f.start()];
    const both = async () => (await Promise.all([a.runOnce(), b.runOnce()])).reduce((x, y) => x + y, 0);
    // Two instances started together share the agent shards out over their first rounds: wait until
    // every shard has a holder, so the round below finds the agent's shard held by one of them.
    for (let round = 0; round < 20 && a.shardsHeld() + b.shardsHeld() < 32; round++) await both();
    const agentId = await f.addAgent('agent');
    // Queued as scoring queues it, but the `leads` message (the dispatcher's wake-up) was lost.
    const leadId = await f.addLead({ phone: '+48601000042', dueInSeconds: 290 });
    expect(await both(), 'offers made by both instances together').toBe(1);

    // The offer never reached the desktop: nothing answers it. 19 s is not yet its timeout...
    f.advance(19);
    await both();
    expect((await f.lead(leadId)).status).toBe('offered');
    // ... 21 s is: it is released and offered again (to the only agent there is). The timeout may
    // fire on the instance that does not hold the agent's shard while the holder's round has already
    // looked, or while the shard passes from one to the other: the holder offers at its next look (a looping instance looks again within
    // `sharedLookMs` while it shares the agents), so allow a second joint round, never a second offer.
    f.advance(2);
    await both();
    if ((await f.lead(leadId)).status !== 'offered') await both();
    const reoffered = await f.lead(leadId);
    expect(types(reoffered.history)).toEqual(['offered', 'offer_missed', 'offered']);
    expect(reoffered.history[1]?.detail).toMatchObject({ why: 'offer_timeout' });

    // Accepted; the dial request is lost on its way to the dialer, which never says a word.
    const attempt = await f.held(agentId);
    await f.command(agentId, 'accept', { attemptId: attempt?.id });
    f.advance(119);
    await both();
    expect((await f.lead(leadId)).status).toBe('dialing');
    f.advance(2);
    await both();
    const ended = await f.lead(leadId);
    expect(ended.status).toBe('waiting_retry');
    expect(ended.attempts.at(-1)).toMatchObject({ outcome: 'failed', endReason: 'dialer_silent' });
    expect(types(ended.history).filter((type) => type === 'call_ended')).toHaveLength(1);
    expect((await f.agent(agentId)).state).toBe('available');
    const [hangups] = await f.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE topic = 'dial-requests' AND message->'payload'->>'action' = 'hangup'`,
    );
    expect(hangups?.n, 'hangups sent in case the call is up after all').toBe(1);
  });
});
