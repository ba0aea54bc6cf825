import { describe, expect, it } from 'vitest';
import { configMapData, downwardFiles, keyFiles, safeRelative, secretData } from './volume-files.js';

const data = { token: Buffer.from('t0k'), 'ca.crt': Buffer.from('PEM') };

describe('keyFiles', () => {
  it('projects every key with the default mode', () => {
    const r = keyFiles(data, undefined, 0o644, 'secret', false);
    expect(r).toEqual({
      files: [
        { path: 'ca.crt', content: Buffer.from('PEM'), mode: 0o644 },
        { path: 'token', content: Buffer.from('t0k'), mode: 0o644 },
      ],
    });
  });
  it('projects selected items to their paths and modes', () => {
    const r = keyFiles(data, [{ key: 'token', path: 'git/token', mode: 0o400 }], 0o644, 'secret', false);
    expect(r).toEqual({ files: [{ path: 'git/token', content: Buffer.from('t0k'), mode: 0o400 }] });
  });
  it('fails on a missing key unless optional', () => {
    expect(keyFiles(data, [{ key: 'nope', path: 'x' }], 0o644, 'configmap', false)).toEqual({
      error: 'configmap references non-existent config key: nope',
    });
    expect(keyFiles(data, [{ key: 'nope', path: 'x' }], 0o644, 'secret', true)).toEqual({ files: [] });
  });
  it('refuses escaping paths', () => {
    expect(safeRelative('../x')).toBe(false);
    expect(safeRelative('/x')).toBe(false);
    expect(safeRelative('a/b')).toBe(true);
    expect(keyFiles(data, [{ key: 'token', path: 'a/../../x' }], 0o644, 'secret', false)).toHaveProperty('error');
  });
});

describe('downwardFiles', () => {
  it('writes labels and names', () => {
    const pod = { metadata: { name: 'p', namespace: 'n', labels: { b: '2', a: '1' } }, spec: { containers: [] } };
    const facts = { podIP: '127.1.0.2', hostIP: '127.0.0.1', nodeAllocatable: {} };
    const r = downwardFiles(
      pod,
      [
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } },
      ],
      0o644,
      facts,
    );
    expect(r).toEqual({
      files: [
        { path: 'labels', content: Buffer.from('a="1"\nb="2"'), mode: 0o644 },
        { path: 'namespace', content: Buffer.from('n'), mode: 0o644 },
      ],
    });
  });
});

describe('decoding', () => {
  it('decodes Secret base64 and ConfigMap text/binary data', () => {
    expect(secretData({ data: { a: Buffer.from('x').toString('base64') } })).toEqual({ a: Buffer.from('x') });
    expect(configMapData({ data: { a: 'x' }, binaryData: { b: Buffer.from([1]).toString('base64') } })).toEqual({
      a: Buffer.from('x'),
      b: Buffer.from([1]),
    });
  });
});
