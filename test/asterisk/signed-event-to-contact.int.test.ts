import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeadView } from '@pronto/contracts';
import {
  type AmiReplayServer,
  createScratchDatabase,
  dropScratchDatabase,
  startAmiReplayServer,
} from '@pronto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPronto } from '../support/pronto-process.ts';
import { signedFetch } from '../support/signed-fetch.ts';

let dataDir: string;
let ami: AmiReplayServer;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pronto-asterisk-e2e-'));
  // The PBX: what Asterisk 22 sent for a call whose agent answered, whose customer answered after
  // 3 s and hung up 6.5 s later, replayed over TCP at twice the recorded speed.
  ami = await startAmiReplayServer({ transcripts: ['originate-contacted'], speed: 2 });
});
afterAll(async () => {
  await ami?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start with DIALER=asterisk', () => {
  it('stops at start, exit code 1, saying why, when Asterisk refuses the login', async () => {
    const refusing = await startAmiReplayServer({ transcripts: ['login-bad-secret'], speed: 4 });
    const ownDir = await mkdtemp(join(tmpdir(), 'pronto-asterisk-refused-'));
    try {
      const starting = startPronto({
        PRONTO_DATA_DIR: ownDir,
        DATABASE_URL: '',
        DIALER: 'asterisk',
        ASTERISK_AMI_URL: refusing.url('pronto', 'not-the-secret'),
      });
      await expect(starting).rejects.toThrow(
        /exited with 1 before it was ready:[\s\S]*cannot start the Asterisk dialer: AMI login as "pronto" at 127\.0\.0\.1:\d+ refused: Authentication failed/,
      );
      await expect(starting).rejects.not.toThrow(/not-the-secret/);
    } finally {
      await refusing.close();
      await rm(ownDir, { recursive: true, force: true });
    }
  });

  it('a signed event becomes a contacted lead: dispatcher, Asterisk dialer, AMI over TCP', async () => {
    // A database of its own (a scratch one in CI's PostgreSQL pass): the bot must take only this lead.
    const databaseUrl = process.env.DATABASE_URL ? await createScratchDatabase() : '';
    const pronto = await startPronto({
      PRONTO_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      DIALER: 'asterisk',
      ASTERISK_AMI_URL: ami.url(),
      ASTERISK_NUMBER_FORMAT: 'digits',
      PRONTO_DEMO_BOTS: '1',
      PRONTO_DEMO_SIP_ENDPOINTS: 'bot1=PJSIP/agent1001',
    });
    try {
      const key = {
        keyId: 'demo-key',
        secret: (await readFile(join(dataDir, 'demo-secret'), 'utf8')).trim(),
      };
      const answer = await signedFetch(pronto.url, key, 'POST', '/v1/events', {
        eventId: 'asterisk-e2e-1',
        type: 'cash_loan.eligibility_checked',
        occurredAt: new Date().toISOString(),
        campaign: 'cash-loan',
        person: { phone: '+48 601 234 567', name: 'Anna Nowak' },
        consent: { phoneContact: true },
        offer: { product: 'Cash loan', amount: 12_000, currency: 'PLN', eligibility: 'pre_approved' },
      });
      expect(answer.status).toBe(202);
      const leadId = (answer.json as { leadId: string }).leadId;

      const read = async () =>
        (await signedFetch(pronto.url, key, 'GET', `/v1/leads/${leadId}`)).json as LeadView;
      let lead = await read();
      const deadline = Date.now() + 60_000;
      while (!lead.attempts.some((attempt) => attempt.endedAt) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        lead = await read();
      }

      expect(lead.sla).toMatchObject({ contactedAt: expect.any(String), met: true });
      const attempt = lead.attempts.find((candidate) => candidate.outcome === 'contacted');
      expect(attempt, JSON.stringify(lead.attempts)).toBeDefined();
      const call = attempt?.call;
      // Asterisk's ids: the agent's leg is the attempt (ChannelId), the person's leg its own Uniqueid.
      expect(call).toMatchObject({
        uniqueId: attempt?.id,
        linkedId: attempt?.id,
        personUniqueId: expect.stringMatching(/^\d{10}\.\d+$/),
        endReason: 'NORMAL CLEARING',
        causeCode: 16,
        hangupBy: 'person',
      });
      // In order: the agent's phone answered, the person's rang, the person answered and was bridged, the call ended.
      const times = [
        attempt?.dialedAt,
        call?.agentAnsweredAt,
        call?.ringingAt,
        call?.bridgedAt,
        attempt?.endedAt,
      ];
      expect(times.every(Boolean), JSON.stringify(times)).toBe(true);
      const ms = times.map((time) => Date.parse(time as string));
      expect([...ms].sort((a, b) => a - b)).toEqual(ms);
      expect(lead.history.map((entry) => entry.type)).toEqual(
        expect.arrayContaining(['dialing', 'contacted', 'call_ended']),
      );

      const originate = ami.received.find((action) => action.action === 'Originate');
      const headers = Object.fromEntries(
        originate?.headers.map(([name, value]) => [name.toLowerCase(), value]) ?? [],
      );
      expect(headers).toMatchObject({
        channel: 'PJSIP/agent1001',
        exten: '48601234567',
        channelid: attempt?.id,
      });
      expect(ami.mismatches).toEqual([]);
    } finally {
      await pronto.stop();
      if (databaseUrl) await dropScratchDatabase(databaseUrl);
    }
  });
});
