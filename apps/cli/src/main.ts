#!/usr/bin/env node
import pkg from '../package.json' with { type: 'json' };
import { useColor, type Io } from './cli/io.js';
import { run } from './cli/run.js';

const interrupt = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // The first Ctrl-C lets a watch or a follow end cleanly (exit 0); a second one does not wait.
    if (interrupts++ > 0) process.exit(130);
    interrupt.abort();
  });
}

// `sluice deliveries | head -1`: the reader went away; that is the end of the output, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const tty = process.stdout.isTTY === true;
const io: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  tty,
  color: useColor(tty, process.env),
  env: process.env,
  interrupt: interrupt.signal,
  now: () => new Date(),
};

const code = await run(process.argv.slice(2), io, pkg.version);
// Flush what is buffered, then exit even if a watch connection is still closing.
process.stdout.write('', () => process.exit(code));
