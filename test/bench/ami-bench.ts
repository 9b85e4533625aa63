// npm run bench (or: node --import tsx test/bench/ami-bench.ts [--calls 6000] [--window 180] [--warmup 1000]
//   [--seed 20261124] [--without-dialplan] [--profile /tmp/ami.cpuprofile]); env BENCH_AMI_CALLS,
//   BENCH_AMI_WINDOW, BENCH_AMI_WARMUP and BENCH_AMI_WITHOUT_DIALPLAN=1 do the same.
//
// Asterisk AMI event handling rate (issue 6). A busy-hour stream is made from the recorded Asterisk 22
// originate transcripts (../shared/ami/transcripts): N calls, each a copy of one scenario (chosen by a
// seeded PRNG) with its own ids (attempt id = the agent leg's Uniqueid = Linkedid = ActionID, the
// person's Uniqueid, channel names, bridge, lead, number), started at a random moment of the window
// (6,000 calls in 180 s = a busy hour at 120,000 calls/h, ~390 calls in progress at once), and every
// call's messages merged by their recorded times into one byte stream. Then, in one run, after a
// warm-up of every path on a smaller stream of other calls:
//   a. full AMI path: a server in a CHILD PROCESS (so its writes do not use the measured process's CPU)
//      answers the Login, then, asked with a Ping, writes the whole stream as fast as the socket takes
//      it to the dialer's own `connectAmi` (asterisk-manager 0.2 underneath); every event goes to a
//      `CallTracker` (every call `track`ed up front, forgotten when it ends, as the dialer does).
//      events/s = events / wall time from the Ping to the last event applied; CPU = this process's
//      `process.cpuUsage()` over the same window (all its threads, so V8's GC helpers too).
//   c. parser only: asterisk-manager's reader fed the same bytes in 64 KiB strings (what a socket with
//      setEncoding hands it), one per event-loop turn, through a stand-in socket; its 'managerevent'
//      emissions counted (and kept, for b).
//   b. tracker only: the event objects asterisk-manager made in (c), applied to a fresh CallTracker.
//   d. for scale only: a minimal indexOf/slice reader of the same chunks feeding a fresh CallTracker,
//      to show what the parsing itself need cost. Not the dialer's code.
// Every call must end with its scenario's phases and outcome (as recorded-scenarios.int.test.ts
// asserts): calls that do not are counted and printed. "rest of the machine" is the CPU other
// processes used meanwhile (other people's tests), in % of one core. --without-dialplan leaves out
// the `dialplan` class events (VarSet, Newexten: ~64 % of the stream, unused by the dialer), as an
// AMI user without `read = dialplan` would receive. --profile writes a CPU profile of the full-path
// window and prints where its time went. A benchmark, not a test: it prints figures and PASS/MISS
// for (a) against 20,000 events/s, and exits 0 either way (1 only when it could not measure).
//
// This file reads the flags and runs the steps in order; the parts are in ./ami/: the stream
// (scenarios, call-template, busy-hour, wire), its server in a child process (stream-server,
// start-stream-server), the paths (full-path, parser-only, tracker-only, reference-path) with what
// they share (measure, outcome-check, read-chunks), and the output (report, format, cpu-profile,
// profile-summary).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { busyHour } from './ami/busy-hour.ts';
import { callTemplate } from './ami/call-template.ts';
import { startCpuProfile } from './ami/cpu-profile.ts';
import { fmt, loadAverage } from './ami/format.ts';
import { fullPath } from './ami/full-path.ts';
import { parserOnly } from './ami/parser-only.ts';
import { referencePath } from './ami/reference-path.ts';
import { printReport, TARGET_EVENTS_PER_S } from './ami/report.ts';
import { SCENARIOS } from './ami/scenarios.ts';
import { startStreamServer } from './ami/start-stream-server.ts';
import { trackerOnly } from './ami/tracker-only.ts';
import { undoStack } from './undo-stack.ts';

const { values: flags } = parseArgs({
  options: {
    calls: { type: 'string' },
    window: { type: 'string' },
    warmup: { type: 'string' },
    seed: { type: 'string' },
    profile: { type: 'string' },
    'without-dialplan': { type: 'boolean' },
  },
  allowPositionals: true,
});
const log = (line = '') => process.stdout.write(`${line}\n`);
/** Leave out the `dialplan` class (VarSet, Newexten), as an AMI user without `read = dialplan` gets. */
const withoutDialplan = flags['without-dialplan'] ?? process.env.BENCH_AMI_WITHOUT_DIALPLAN === '1';

async function main(): Promise<void> {
  const callCount = Number(flags.calls ?? process.env.BENCH_AMI_CALLS ?? 6_000);
  const windowS = Number(flags.window ?? process.env.BENCH_AMI_WINDOW ?? 180);
  const warmupCalls = Number(flags.warmup ?? process.env.BENCH_AMI_WARMUP ?? 1_000);
  const seed = Number(flags.seed ?? 20_261_124);
  for (const value of [callCount, windowS, warmupCalls, seed])
    if (!Number.isFinite(value) || value < 0)
      throw new Error('calls, window, warmup and seed must be numbers >= 0');
  if (callCount < 1 || windowS <= 0) throw new Error('--calls must be at least 1 and --window above 0');

  const cleanups = undoStack(log);
  try {
    log(
      `Pronto AMI event handling benchmark: ${fmt(callCount)} calls over a ${windowS} s window of a busy hour, ` +
        `after ${fmt(warmupCalls)} warm-up calls; target >= ${fmt(TARGET_EVENTS_PER_S)} events/s on one core (full path)`,
    );
    log(
      `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadAverage()}`,
    );

    const built = performance.now();
    const templates = SCENARIOS.map((scenario) => callTemplate(scenario, withoutDialplan));
    const stream = busyHour(templates, callCount, windowS * 1000, seed);
    const warm = busyHour(
      templates,
      warmupCalls,
      Math.max(1, (windowS * 1000 * warmupCalls) / callCount),
      seed + 1,
    );
    log(
      `stream: ${fmt(stream.events)} events in ${fmt(stream.messages)} messages (${(stream.bytes.length / 2 ** 20).toFixed(1)} MiB, ` +
        `${fmt(stream.bytes.length / stream.messages)} bytes each); ${fmt(stream.meanConcurrent)} calls in progress on average, ` +
        `${fmt(stream.peakConcurrent)} at the peak (${fmt((callCount / windowS) * 3600)} calls/h); live, Asterisk would send it at ` +
        `${fmt(stream.events / windowS)} events/s; built in ${fmt(performance.now() - built)} ms`,
    );
    const mix = templates.map(
      (t) =>
        `${t.scenario.name.replace('originate-', '')} ${stream.calls.filter((call) => call.template === t).length} x ${t.events}`,
    );
    log(`calls x events per call: ${mix.join(', ')}`);

    const dir = mkdtempSync(join(tmpdir(), 'pronto-ami-bench-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const files = [join(dir, 'warm.ami'), join(dir, 'main.ami')];
    writeFileSync(files[0] as string, warm.bytes);
    writeFileSync(files[1] as string, stream.bytes);
    const { server, url } = await startStreamServer(files, cleanups);

    // Warm-up: every path once on a smaller stream of other calls.
    const warmFull = await fullPath(url, warm, server);
    const warmParsed = await parserOnly(warm);
    trackerOnly(warmParsed.captured, warm.calls);
    referencePath(warm);
    if (warmFull.events !== warm.events)
      throw new Error(`warm-up: ${warmFull.events} of ${warm.events} events arrived`);

    const stopProfile = flags.profile ? await startCpuProfile(flags.profile, log) : undefined;
    const full = await fullPath(url, stream, server);
    await stopProfile?.();
    const parsed = await parserOnly(stream);
    const tracked = trackerOnly(parsed.captured, stream.calls);
    parsed.captured.length = 0;
    const reference = referencePath(stream);

    printReport(log, { callCount, windowS, withoutDialplan, stream, full, parsed, tracked, reference });
  } finally {
    await cleanups.undoAll();
  }
}

main().catch((error: unknown) => {
  log(`could not measure: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
