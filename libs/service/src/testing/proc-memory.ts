/**
 * Where a process's resident memory is, from /proc/<pid>/smaps (Linux):
 * the main malloc arena (`[heap]`: native allocations of the main thread —
 * socket and TLS buffers, ArrayBuffer backing stores, V8's zones), other
 * anonymous memory (V8's heap pages, other threads' arenas) and mapped files
 * (the `node` binary and libraries).
 */
import { readFileSync } from 'node:fs';

export interface ProcMemory {
  readonly mallocMainMb: number;
  readonly anonOtherMb: number;
  readonly fileMb: number;
}

export function procMemory(pid: number): ProcMemory {
  let main = 0;
  let anon = 0;
  let file = 0;
  let name = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      name = header[1] ?? '';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line)?.[1];
    if (rss === undefined) continue;
    const kb = Number(rss);
    if (name === '[heap]') main += kb;
    else if (name === '' || name.startsWith('[')) anon += kb;
    else file += kb;
  }
  return { mallocMainMb: Math.round(main / 1024), anonOtherMb: Math.round(anon / 1024), fileMb: Math.round(file / 1024) };
}

/** `malloc main 40 + anon 60 + files 45 MB`. */
export function describeProcMemory(m: ProcMemory): string {
  return `malloc main arena ${m.mallocMainMb} + other anonymous (V8 heap, threads) ${m.anonOtherMb} + files ${m.fileMb} MB`;
}
