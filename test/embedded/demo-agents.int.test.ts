import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeadView } from '@pronto/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPronto } from '../support/pronto-process.ts';
import { signedFetch } from '../support/signed-fetch.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pronto-demo-agents-'));
});
afterAll(async () => rm(dataDir, { recursive: true, force: true }));

const EVENTS = 20;

describe('npm start with demo agents', () => {
  it('20 signed events are each dialed by the demo agents, and the leads show attempts, contact and met', async () => {
    // One demo agent per lead, so the test waits for human-paced accepts, not for a queue to drain.
    // The embedded database even in CI's PostgreSQL pass: these bots must not take other tests' leads.
    const pronto = await startPronto({
      PRONTO_DATA_DIR: dataDir,
      PRONTO_DEMO_BOTS: String(EVENTS),
      DATABASE_URL: '',
    });
    try {
      const key = {
        keyId: 'demo-key',
        secret: (await readFile(join(dataDir, 'demo-secret'), 'utf8')).trim(),
      };
      const leadIds: string[] = [];
      for (let n = 0; n < EVENTS; n++) {
        const answer = await signedFetch(pronto.url, key, 'POST', '/v1/events', {
          eventId: `demo-agents-${n}`,
          type: 'cash_loan.eligibility_checked',
          occurredAt: new Date().toISOString(),
          campaign: 'cash-loan',
          person: { phone: `+48 601 300 ${String(100 + n)}`, name: `Person ${n}` },
          consent: { phoneContact: true },
          offer: {
            product: 'Cash loan',
            amount: 1_000 + n * 100,
            currency: 'PLN',
            eligibility: 'pre_approved',
          },
        });
        expect(answer.status).toBe(202);
        leadIds.push((answer.json as { leadId: string }).leadId);
      }

      const read = async (id: string) =>
        (await signedFetch(pronto.url, key, 'GET', `/v1/leads/${id}`)).json as LeadView;
      const deadline = Date.now() + 120_000;
      let leads = await Promise.all(leadIds.map(read));
      const everyLeadDialed = () => leads.every((lead) => lead.attempts.some((attempt) => attempt.dialedAt));
      const someContacted = () => leads.some((lead) => lead.sla.contactedAt);
      while (!(everyLeadDialed() && someContacted()) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        leads = await Promise.all(leadIds.map(read));
      }

      for (const lead of leads) {
        const dialed = lead.attempts.find((attempt) => attempt.dialedAt);
        expect(dialed, `lead ${lead.id} was never dialed`).toMatchObject({
          agentId: expect.any(String),
          offeredAt: expect.any(String),
        });
        expect(lead.sla.firstAttemptAt).not.toBeNull();
        expect(lead.history.map((entry) => entry.type)).toEqual(
          expect.arrayContaining(['queued', 'offered', 'dialing']),
        );
      }
      const contacted = leads.filter((lead) => lead.sla.contactedAt);
      expect(contacted.length).toBeGreaterThan(0);
      for (const lead of contacted) {
        // Called seconds after the event, well inside the 5-minute SLA.
        expect(lead.sla.met).toBe(true);
        expect(lead.attempts.some((attempt) => attempt.outcome === 'contacted')).toBe(true);
      }
    } finally {
      expect(await pronto.stop()).toBe(0);
    }
  });
});
