// Preloaded into the measured service by the benchmark (`node --import`): on SIGWINCH (which the service
// ignores otherwise) it writes the process's V8 and Node memory figures, as JSON, to BENCH_MEMORY_FILE.
// Passive until signalled: no timer, no allocation.
// With BENCH_PROMOTED_PROFILE=<file prefix> it also samples, from start-up, the allocations that survive a
// young-generation GC (what fills the old space), and writes the profile so far at each signal.
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

const file = process.env['BENCH_MEMORY_FILE'];
const promoted = process.env['BENCH_PROMOTED_PROFILE'];
let session;
if (promoted) {
  session = new Session();
  session.connect();
  session.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false });
}
let n = 0;
if (file) {
  process.on('SIGWINCH', () => {
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { committed: s.physical_space_size, used: s.space_used_size }]));
    // Written whole, then renamed: the benchmark never reads half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify({ at: Date.now(), usage: process.memoryUsage(), spaces, heapLimit: getHeapStatistics().heap_size_limit }));
    renameSync(`${file}.tmp`, file);
    const seq = ++n;
    session?.post('HeapProfiler.getSamplingProfile', (error, result) => {
      if (!error) writeFileSync(`${promoted}-${seq}.heapprofile`, JSON.stringify(result.profile));
    });
  });
}
