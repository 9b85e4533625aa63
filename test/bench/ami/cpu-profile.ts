import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { type Profile, summarizeProfile } from './profile-summary.ts';

/**
 * Starts sampling this process's CPU every 200 µs (--profile); the function it returns stops, writes
 * the profile to `file` (for DevTools) and prints where the time went.
 */
export async function startCpuProfile(
  file: string,
  log: (line?: string) => void,
): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    log(`\nCPU profile of the full-path window (sampled every 200 µs, slows it down): ${file}`);
    summarizeProfile(profile, 15, log);
  };
}
