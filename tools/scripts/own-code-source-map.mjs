// Trims a bundle's source map to the repository's own sources (apps/, libs/):
// mappings into node_modules are dropped. The services run with
// `node --enable-source-maps`, and Node 20 decodes the whole map of the
// bundle when it loads it: the full map (~375,000 segments, 90 % of them
// dependencies') cost ~95 MB of RSS per process, the trimmed one ~10 MB.
// Stack frames in our code still point at the .ts line; frames inside a
// dependency point at the bundle (dist/main.js:line:column).
import { readFile, writeFile } from 'node:fs/promises';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...B64].map((c, i) => [c, i]));

/** Base64 VLQ numbers of one segment. */
function decodeSegment(text) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const c of text) {
    const digit = DIGIT.get(c);
    if (digit === undefined) throw new Error(`bad source map character ${c}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return out;
}

function encodeNumber(n) {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let s = '';
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v > 0) digit |= 32;
    s += B64[digit];
  } while (v > 0);
  return s;
}

/** Rewrites `mapPath` in place, keeping only mappings whose source `keep` accepts. */
export async function trimSourceMap(mapPath, keep = (source) => !/(^|[\\/])node_modules[\\/]/.test(source)) {
  const map = JSON.parse(await readFile(mapPath, 'utf8'));
  const kept = map.sources.map((s) => keep(s));
  const newIndex = [];
  const sources = [];
  const sourcesContent = [];
  map.sources.forEach((s, i) => {
    if (!kept[i]) return;
    newIndex[i] = sources.length;
    sources.push(s);
    sourcesContent.push(map.sourcesContent?.[i] ?? null);
  });
  // Absolute running values of the input; deltas of the output are relative to what was written.
  const abs = { source: 0, line: 0, column: 0, name: 0 };
  const prev = { source: 0, line: 0, column: 0, name: 0 };
  const lines = map.mappings.split(';').map((line) => {
    let column = 0;
    let prevColumn = 0;
    const segments = [];
    for (const text of line.split(',')) {
      if (text === '') continue;
      const [col, src, srcLine, srcCol, name] = decodeSegment(text);
      column += col;
      if (src === undefined) continue;
      abs.source += src;
      abs.line += srcLine;
      abs.column += srcCol;
      if (name !== undefined) abs.name += name;
      if (!kept[abs.source]) continue;
      const source = newIndex[abs.source];
      let out = encodeNumber(column - prevColumn) + encodeNumber(source - prev.source) + encodeNumber(abs.line - prev.line) + encodeNumber(abs.column - prev.column);
      if (name !== undefined) {
        out += encodeNumber(abs.name - prev.name);
        prev.name = abs.name;
      }
      prevColumn = column;
      prev.source = source;
      prev.line = abs.line;
      prev.column = abs.column;
      segments.push(out);
    }
    return segments.join(',');
  });
  await writeFile(mapPath, JSON.stringify({ version: 3, file: map.file, sources, sourcesContent, names: map.names, mappings: lines.join(';') }));
}
