import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { delivery, stage } from '../testing/model.testkit.js';
import { styles } from './color.js';
import { DELIVERY_HEADER, deliveryRow, liveNowLine, refText, rowSignature } from './deliveries.js';
import { forOutput, toJson, toJsonLine, toYaml } from './objects.js';
import { compactStages } from './stages.js';
import { renderTable } from './table.js';
import { age, elapsed, formatDuration, timestamp } from './time.js';

const plain = styles(false);
const NOW = new Date('2030-01-01T12:00:00.000Z');

describe('time', () => {
  it('prints ages in their largest unit, like kubectl', () => {
    expect(age('2030-01-01T11:59:15.000Z', NOW)).toBe('45s');
    expect(age('2030-01-01T11:48:00.000Z', NOW)).toBe('12m');
    expect(age('2030-01-01T07:00:00.000Z', NOW)).toBe('5h');
    expect(age('2029-12-29T12:00:00.000Z', NOW)).toBe('3d');
    expect(age(undefined, NOW)).toBe('?');
  });

  it('prints durations with their two largest units', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_400)).toBe('12s');
    expect(formatDuration(65_000)).toBe('1m05s');
    expect(formatDuration(2 * 3_600_000 + 3 * 60_000)).toBe('2h03m');
  });

  it('measures a running stage up to now and a finished one to its end', () => {
    expect(elapsed('2030-01-01T11:59:00.000Z', undefined, NOW)).toBe(60_000);
    expect(elapsed('2030-01-01T11:00:00.000Z', '2030-01-01T11:00:30.000Z', NOW)).toBe(30_000);
    expect(elapsed(undefined, undefined, NOW)).toBeUndefined();
    expect(timestamp('2030-01-01T11:00:30.123Z')).toBe('2030-01-01T11:00:30Z');
  });
});

describe('table', () => {
  it('aligns columns on the widest cell, three spaces apart, without trailing blanks', () => {
    expect(renderTable(['A', 'BB', 'C'], [[{ text: 'xxxx' }, { text: 'y' }, { text: '' }]])).toEqual(['A      BB   C', 'xxxx   y']);
  });

  it('measures width without colour codes, so coloured and plain tables line up alike', () => {
    const coloured = renderTable(['PHASE', 'X'], [[{ text: 'Live', style: styles(true).ok }, { text: '1' }]]);
    expect(coloured[1]).toBe('\x1b[32mLive \x1b[39m   1');
    expect(coloured[1]?.replaceAll('\x1b[32m', '').replaceAll('\x1b[39m', '')).toBe('Live    1');
  });
});

describe('delivery rows', () => {
  it('show name, app, ref, 8-character SHA, phase, reason, compact stages and age', () => {
    const d = delivery({
      receivedAt: '2030-01-01T11:55:00.000Z',
      status: {
        phase: 'Failed',
        reason: 'TestsFailed',
        stages: [stage('test', 'failed'), stage('build', 'skipped'), stage('deploy', 'canceled', { environment: 'production' })],
      },
    });
    expect(deliveryRow(d, NOW, plain).map((c) => c.text)).toEqual(['main-3f2a9c1-0b7e41d2', 'shop', 'main', '3f2a9c1e', 'Failed', '', 'TestsFailed', 'test✗ build– deploy:production⊘', '5m']);
    expect(DELIVERY_HEADER).toHaveLength(9);
  });

  it('marks stages ✓ succeeded, … running, · pending', () => {
    expect(compactStages([stage('test', 'succeeded'), stage('build', 'succeeded'), stage('deploy', 'running', { environment: 'production' }), stage('deploy', 'pending', { environment: 'staging' })])).toBe(
      'test✓ build✓ deploy:production… deploy:staging·',
    );
  });

  it('says AwaitingPromotion for a delivery waiting at a manual gate, and shows a merge request by its number', () => {
    const waiting = delivery({ status: { phase: 'Deploying', stages: [stage('deploy', 'running', { environment: 'production', promotion: 'waiting', message: 'waiting for promotion' })] } });
    expect(deliveryRow(waiting, NOW, plain)[6]?.text).toBe('AwaitingPromotion');
    const mr = { ...delivery({ ref: 'feature/login' }), spec: { ...delivery({ ref: 'feature/login' }).spec, refType: 'merge_request' as const, mergeRequest: { iid: 12, sourceBranch: 'feature/login', targetBranch: 'main' } } };
    expect(refText(mr)).toBe('feature/login !12');
  });

  it('shows a ref with control characters escaped, so a branch name cannot drive the terminal', () => {
    // Git refuses C0 controls in ref names, but not U+009B (CSI), which some terminals obey like ESC [.
    const row = deliveryRow(delivery({ ref: 'x\x9b2J\x1b]0;t\x07' }), NOW, plain);
    expect(row[2]?.text).toBe('xM-^[2J^[]0;t^G');
  });

  it('says where a Delivery is live now, "replaced" for one that was and is no longer, and which Delivery is live per environment', () => {
    const at = '2030-01-01T11:58:00.000Z';
    const newer = delivery({ name: 'main-b', status: { phase: 'Live', liveIn: ['staging', 'production'] } });
    const older = delivery({ name: 'main-a', status: { phase: 'Live', replaced: [{ environment: 'production', by: 'main-b', at }] } });
    const blog = delivery({ name: 'blog-a', app: 'blog', status: { phase: 'Verifying', liveIn: ['production'] } });
    expect(deliveryRow(newer, NOW, plain)[5]?.text).toBe('staging,production');
    expect(deliveryRow(older, NOW, plain).slice(4, 6).map((c) => c.text)).toEqual(['Live', 'replaced']);
    expect(liveNowLine([older, newer, blog])).toBe('Live now: blog production blog-a, shop staging main-b, shop production main-b');
    expect(liveNowLine([older])).toBeUndefined();
    expect(rowSignature(older)).not.toBe(rowSignature(delivery({ name: 'main-a', status: { phase: 'Live', liveIn: ['production'] } })));
  });

  it('changes signature when what a watcher sees changes, not when only time passes', () => {
    const a = delivery({ status: { phase: 'Testing', stages: [stage('test', 'running')] } });
    const b = delivery({ status: { phase: 'Building', stages: [stage('test', 'succeeded'), stage('build', 'running')] } });
    expect(rowSignature(a)).not.toBe(rowSignature(b));
    expect(rowSignature(a)).toBe(rowSignature(delivery({ status: { phase: 'Testing', stages: [stage('test', 'running')] } })));
  });
});

describe('object output', () => {
  it('drops managedFields and keeps everything else', () => {
    const obj = { apiVersion: 'v1', kind: 'X', metadata: { name: 'a', managedFields: [{ manager: 'm' }] }, spec: { a: 1 } };
    expect(forOutput(obj)).toEqual({ apiVersion: 'v1', kind: 'X', metadata: { name: 'a' }, spec: { a: 1 } });
    expect(toYaml(forOutput(obj))).toBe('apiVersion: v1\nkind: X\nmetadata:\n  name: a\nspec:\n  a: 1\n');
  });

  it('-o json and -o yaml carry control characters escaped, as the same strings when read back', () => {
    const title = 'a\x1b[2J\x07\x7f\x85\x9b31m\r\n\tz';
    const obj = { spec: { commit: { title } } };
    for (const text of [toJson(obj), toJsonLine(obj), toYaml(obj)]) {
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      expect(text.replace(/\n/g, '')).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    }
    expect(JSON.parse(toJson(obj))).toEqual(obj);
    expect(JSON.parse(toJsonLine(obj))).toEqual(obj);
    expect(parseYaml(toYaml(obj))).toEqual(obj);
  });
});
