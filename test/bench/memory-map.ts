import { readFileSync } from 'node:fs';

/** A process's resident memory by kind, in MB, read from /proc/<pid>/smaps (Linux). */
export interface MemoryMap {
  rss: number;
  /** Each WebAssembly memory's resident part, largest first (PGlite's database is the largest). */
  wasm: number[];
  /** Executable anonymous memory: machine code compiled from JavaScript and WebAssembly. */
  code: number;
  /** Anonymous memory that is neither: V8's heap, Buffers, malloc. */
  otherAnonymous: number;
  /** File-backed pages: the node binary, libraries, mapped files. */
  file: number;
}

/**
 * V8 reserves 8 to 10 GiB of address space for each 32-bit WebAssembly memory: the accessible pages
 * (read-write anonymous mappings) followed at once by an inaccessible guard region. Read-write
 * mappings that a `---p` mapping continues to at least this size are taken for a WebAssembly memory.
 */
const WASM_RESERVATION_BYTES = 8 * 2 ** 30 - 64 * 2 ** 20;

interface Mapping {
  start: bigint;
  end: bigint;
  perms: string;
  path: string;
  rssKb: number;
}

function readMappings(pid: number): Mapping[] {
  const mappings: Mapping[] = [];
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      mappings.push({
        start: BigInt(`0x${header[1]}`),
        end: BigInt(`0x${header[2]}`),
        perms: header[3] ?? '',
        path: header[4] ?? '',
        rssKb: 0,
      });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    const last = mappings.at(-1);
    if (rss && last) last.rssKb = Number(rss[1]);
  }
  return mappings;
}

export function memoryMap(pid: number): MemoryMap {
  const mappings = readMappings(pid);
  const anonymous = (m: Mapping) => m.path === '' || m.path.startsWith('[');
  // A WebAssembly memory's accessible pages may be several adjacent mappings (split when it grew).
  const wasmParts = new Set<number>();
  const wasm: number[] = [];
  mappings.forEach((guard, i) => {
    if (guard.perms !== '---p' || guard.path !== '') return;
    let j = i - 1;
    while (j >= 0) {
      const m = mappings[j] as Mapping;
      if (!anonymous(m) || !m.perms.startsWith('rw') || m.end !== (mappings[j + 1] as Mapping).start) break;
      j -= 1;
    }
    const first = mappings[j + 1] as Mapping;
    if (j + 1 === i || guard.end - first.start < BigInt(WASM_RESERVATION_BYTES)) return;
    let kb = 0;
    for (let k = j + 1; k < i; k += 1) {
      wasmParts.add(k);
      kb += (mappings[k] as Mapping).rssKb;
    }
    wasm.push(kb / 1024);
  });
  wasm.sort((a, b) => b - a);
  let codeKb = 0;
  let otherKb = 0;
  let fileKb = 0;
  mappings.forEach((mapping, i) => {
    if (wasmParts.has(i)) return;
    if (!anonymous(mapping)) fileKb += mapping.rssKb;
    else if (mapping.perms.includes('x')) codeKb += mapping.rssKb;
    else otherKb += mapping.rssKb;
  });
  const totalKb = mappings.reduce((sum, m) => sum + m.rssKb, 0);
  return {
    rss: totalKb / 1024,
    wasm,
    code: codeKb / 1024,
    otherAnonymous: otherKb / 1024,
    file: fileKb / 1024,
  };
}

export const describeMemory = (map: MemoryMap) =>
  `RSS ${map.rss.toFixed(0)} MB = WebAssembly ${map.wasm.map((mb) => mb.toFixed(0)).join(' + ') || '0'} + compiled code ${map.code.toFixed(0)} + other anonymous (V8 heap, Buffers, malloc) ${map.otherAnonymous.toFixed(0)} + files ${map.file.toFixed(0)}`;
