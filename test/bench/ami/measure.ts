import { cpuMeter, processCpuSeconds } from '../system.ts';

/** Starts a measured window; the function it returns ends it. */
export function measure(serverPid?: number) {
  const server = serverPid === undefined ? undefined : processCpuSeconds(serverPid);
  const meter = cpuMeter(serverPid === undefined ? {} : { pronto: serverPid });
  const cpu = process.cpuUsage();
  const started = performance.now();
  return (endedAt = performance.now()) => {
    const used = process.cpuUsage(cpu);
    const serverNow = serverPid === undefined ? undefined : processCpuSeconds(serverPid);
    const report = meter();
    return {
      wallMs: endedAt - started,
      cpuMs: (used.user + used.system) / 1000,
      ...(server !== undefined && serverNow !== undefined
        ? { serverCpuMs: (serverNow - server) * 1000 }
        : {}),
      ...(report.other !== undefined ? { otherPct: report.other } : {}),
    };
  };
}

export interface Measured {
  events: number;
  wallMs: number;
  /** CPU time of this process over the window (user + system, all its threads). */
  cpuMs: number;
  /** CPU time of the server process over the window (full path only). */
  serverCpuMs?: number;
  /** CPU the rest of the machine used meanwhile (other people's work), % of one core. */
  otherPct?: number;
  ended?: number;
  updates?: number;
  mismatches?: string[];
}
