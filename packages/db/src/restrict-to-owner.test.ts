import { chmod, lstat, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { restrictToOwner } from './restrict-to-owner.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restrict-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const mode = async (path: string) => (await lstat(path)).mode & 0o777;

it('takes group and other access off every folder and file, and keeps the owner bits', async () => {
  await mkdir(join(dir, 'base', '1'), { recursive: true });
  await writeFile(join(dir, 'base', '1', '112'), 'x');
  await writeFile(join(dir, 'script'), 'x');
  await writeFile(join(dir, 'key'), 'x');
  await chmod(join(dir, 'base', '1', '112'), 0o666);
  await chmod(join(dir, 'script'), 0o755);
  await chmod(join(dir, 'key'), 0o600);
  await chmod(join(dir, 'base', '1'), 0o755);
  await chmod(dir, 0o755);
  // A link is not followed: it may point outside the folder.
  const outside = join(dir, '..', `${dir.split('/').pop()}-outside`);
  await writeFile(outside, 'x', { mode: 0o644 });
  await symlink(outside, join(dir, 'link'));
  try {
    await restrictToOwner(dir);
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(dir, 'base', '1'))).toBe(0o700);
    expect(await mode(join(dir, 'base', '1', '112'))).toBe(0o600);
    expect(await mode(join(dir, 'script'))).toBe(0o700);
    expect(await mode(join(dir, 'key'))).toBe(0o600);
    expect(await mode(outside)).toBe(0o644);
  } finally {
    await rm(outside, { force: true });
  }
});
