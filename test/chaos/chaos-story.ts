import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sql } from '@pronto/db';
import type { ServiceProcess } from '../support/service-process.ts';
import type { BenchAgent } from './bench-agent.ts';

/**
 * What a failed run leaves to read: the attempts still open with their agents, what each bench
 * agent saw last and where it was connected, and every process's output in a folder of its own.
 */
export async function tellStory(
  sql: Sql,
  agents: readonly BenchAgent[],
  processes: readonly { name: string; service: ServiceProcess }[],
): Promise<string> {
  const open = await sql.query<Record<string, unknown>>(
    `SELECT a.id::text AS attempt, a.lead_id::text AS lead, g.username, g.state AS agent_state, a.stage,
            l.status AS lead_status, a.offered_at, a.accepted_at, a.dialed_at, a.answered_at, a.ended_at,
            a.dial_deadline_at, a.disposition
       FROM attempt a JOIN agent g ON g.id = a.agent_id JOIN lead l ON l.id = a.lead_id
      WHERE a.released_at IS NULL ORDER BY a.offered_at`,
  );
  const unsettled = await sql.query<Record<string, unknown>>(
    `SELECT id::text, status, updated_at, next_attempt_at FROM lead
      WHERE status NOT IN ('dispositioned', 'suppressed', 'expired', 'waiting_retry') ORDER BY updated_at LIMIT 20`,
  );
  const agentRows = await sql.query<{ username: string; state: string; pause_reason: string | null }>(
    'SELECT username, state, pause_reason FROM agent ORDER BY username',
  );
  const folder = mkdtempSync(join(tmpdir(), 'pronto-chaos-'));
  for (const [n, { name, service }] of processes.entries())
    writeFileSync(join(folder, `${String(n).padStart(2, '0')}-${name}.log`), service.output());
  const seen = agents.map((agent) => ({
    username: agent.options.username,
    database: agentRows.find((row) => row.username === agent.options.username),
    lastUpdate: agent.lastUpdate,
    accepted: agent.accepted,
    dispositions: agent.dispositions,
    resumes: agent.resumes,
    connections: agent.connections.map(
      (c) =>
        `${c.gateway} ${new Date(c.openedAt).toISOString()}..${c.closedAt ? new Date(c.closedAt).toISOString() : 'open'}`,
    ),
  }));
  return [
    `open attempts: ${JSON.stringify(open, null, 1)}`,
    `leads not settled (first 20): ${JSON.stringify(unsettled)}`,
    `agents: ${JSON.stringify(seen, null, 1)}`,
    `process output (last 50,000 characters of each): ${folder}`,
  ].join('\n');
}
