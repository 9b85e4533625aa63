import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAgentsCsv } from './agents-csv.ts';

describe('readAgentsCsv', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pronto-agents-csv-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const csv = async (text: string) => {
    const path = join(dir, 'agents.csv');
    await writeFile(path, text);
    return readAgentsCsv(path);
  };

  it('points each row at the line it starts on, past blank lines and cells spanning lines', async () => {
    const rows = await csv(
      'username,displayName,password,sipEndpoint,groups,languages\n' +
        'anna,"Anna\nNowak",long enough,PJSIP/1,sales;backup,pl;en\n' +
        '\n' +
        'ewa,Ewa,long enough,,,\n',
    );
    expect(rows).toEqual([
      {
        line: 2,
        agent: {
          username: 'anna',
          displayName: 'Anna\nNowak',
          password: 'long enough',
          sipEndpoint: 'PJSIP/1',
          groups: ['sales', 'backup'],
          languages: ['pl', 'en'],
        },
      },
      {
        line: 5,
        agent: { username: 'ewa', displayName: 'Ewa', password: 'long enough', groups: [], languages: [] },
      },
    ]);
  });

  it('names the columns a file lacks', async () => {
    await expect(csv('username,name\nanna,Anna\n')).rejects.toThrow(
      /lacks the column\(s\) displayName, password/,
    );
  });
});
