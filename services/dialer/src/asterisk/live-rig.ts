import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The portable Asterisk 22 beside the project (../shared/asterisk from the repository root). */
export const RIG_HOME = fileURLToPath(new URL('../../../../../shared/asterisk/', import.meta.url));

/** Whether the portable Asterisk is there to start. */
export const rigAvailable = () => existsSync(join(RIG_HOME, 'start'));

/**
 * In CI a live Asterisk test must run: .ci/run starts ../shared/asterisk and exports ASTERISK_AMI_URL,
 * so CI=true without it fails the test file instead of skipping it. Elsewhere (a machine without
 * ../shared/asterisk) the live tests are skipped.
 */
export function requireLiveAsteriskInCi(what: string): void {
  if (process.env.CI === 'true' && !process.env.ASTERISK_AMI_URL)
    throw new Error(`${what}: CI=true but ASTERISK_AMI_URL is not set; .ci/run starts the live Asterisk`);
}

/** Whether a live test can run here: CI's rig (ASTERISK_AMI_URL) or one of its own. */
export const liveAsteriskAvailable = () => Boolean(process.env.ASTERISK_AMI_URL) || rigAvailable();

/** CI's rig when ASTERISK_AMI_URL is set (left running), else a rig of the caller's own (stopped by close). */
export async function openLiveAsterisk(): Promise<{ url: string; close(): Promise<void> }> {
  const shared = process.env.ASTERISK_AMI_URL;
  if (shared) return { url: shared, close: async () => {} };
  const rig = await startLiveRig();
  return { url: rig.url, close: () => rig.stop() };
}

export interface LiveRig {
  /** ami://pronto:secret@127.0.0.1:<port> */
  readonly url: string;
  readonly dir: string;
  /** One Asterisk CLI command on the pbx (or the simulator with `sim`). */
  cli(command: string, sim?: boolean): Promise<string>;
  /** Appends dialplan lines to the pbx's or the simulator's extensions.conf and reloads it. */
  extendDialplan(instance: 'pbx' | 'sim', lines: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

const pick = (from: number, span: number) => from + Math.floor(Math.random() * span);

/**
 * A rig of its own (own folder and ports), so a test can change its dialplan without touching the
 * one .ci/run shares. SIP ports are picked so their RTP ranges (derived from port % 100) never meet
 * the CI rig's (SIP 5160-5179, simulator 5190-5209).
 */
export async function startLiveRig(): Promise<LiveRig> {
  const dir = await mkdtemp(join(tmpdir(), 'pronto-live-rig-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const amiPort = pick(40_100, 800);
    const args = [
      '--port',
      String(amiPort),
      '--dir',
      dir,
      '--sip-port',
      String(pick(5_210, 40)),
      '--sim-port',
      String(pick(5_250, 40)),
    ];
    try {
      const { stdout } = await run(join(RIG_HOME, 'start'), args, { timeout: 60_000 });
      const url = /ASTERISK_AMI_URL=(\S+)/.exec(stdout)?.[1];
      if (!url) throw new Error(`start printed no ASTERISK_AMI_URL: ${stdout}`);
      return rigAt(url, dir);
    } catch (error) {
      // A port another process holds: stop what did start and try other ports.
      lastError = error;
      await run(join(RIG_HOME, 'stop'), ['--dir', dir]).catch(() => undefined);
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

function rigAt(url: string, dir: string): LiveRig {
  const cli = async (command: string, sim = false) =>
    (await run(join(RIG_HOME, 'cli'), ['--dir', dir, ...(sim ? ['--sim'] : []), command])).stdout;
  return {
    url,
    dir,
    cli,
    async extendDialplan(instance, lines) {
      await appendFile(join(dir, instance, 'etc', 'extensions.conf'), `\n${lines.join('\n')}\n`);
      await cli('dialplan reload', instance === 'sim');
    },
    async stop() {
      await run(join(RIG_HOME, 'stop'), ['--dir', dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
