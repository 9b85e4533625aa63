import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CampaignRow, LeadRow } from './rows.ts';

const schema = readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8');
const snake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

describe('row types', () => {
  it("name every model's columns: each field is mapped to the snake_case of its name", () => {
    const mismatches: string[] = [];
    for (const [, model, body] of schema.matchAll(/^model (\w+) \{\n([\s\S]*?)\n\}/gm)) {
      for (const line of (body as string).split('\n')) {
        const field = /^\s+(\w+)\s+(\w+)(\[\])?\??(.*)$/.exec(line);
        if (!field || line.trim().startsWith('//') || line.trim().startsWith('@@')) continue;
        const [, name, type, , rest] = field as unknown as [string, string, string, string, string];
        if (/@relation/.test(rest) || (/^[A-Z]/.test(type) && !SCALARS.has(type))) continue;
        const column = /@map\("([^"]+)"\)/.exec(rest)?.[1] ?? name;
        if (column !== snake(name)) mismatches.push(`${model}.${name} -> ${column}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('type a row by its columns', () => {
    const lead: Pick<LeadRow, 'phone_e164' | 'due_at'> = { phone_e164: '+33612345678', due_at: null };
    const campaign: Pick<CampaignRow, 'sla_seconds'> = { sla_seconds: 300 };
    expect([lead.phone_e164, campaign.sla_seconds]).toEqual(['+33612345678', 300]);
  });
});

const SCALARS = new Set([
  'String',
  'Int',
  'BigInt',
  'Boolean',
  'DateTime',
  'Json',
  'Decimal',
  'Float',
  'Bytes',
]);
