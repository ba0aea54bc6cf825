import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JUNIT_AWK } from '@sluice/manifests';
import { parseBuiltImage, parseStepReport } from './termination.js';

describe('JUnit summary (awk in the pod, parse in the runner)', () => {
  it('counts test cases, failures, errors and skips, and names the failing ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'junit-'));
    const report = join(dir, 'report.xml');
    writeFileSync(
      report,
      [
        '<?xml version="1.0"?><testsuites><testsuite name="s">',
        '<testcase classname="math" name="adds" time="0.1"/>',
        '<testcase classname="math" name="subtracts &lt;int&gt;"><failure message="x">boom</failure></testcase>',
        '<testcase name="later"><skipped/></testcase>',
        '<testcase',
        '   classname="io" name="reads">',
        '  <error type="E"/>',
        '</testcase></testsuite></testsuites>',
      ].join('\n'),
    );
    const awk = execFileSync('awk', [JUNIT_AWK, report], { encoding: 'utf8' });
    const parsed = parseStepReport(`test failed: command 1/1 exited 1: npm test\n${awk}`);
    expect(parsed).toEqual({
      summary: 'test failed: command 1/1 exited 1: npm test',
      testSummary: { total: 4, passed: 1, failed: 2, skipped: 1, firstFailures: ['math.subtracts <int>', 'io.reads'] },
      reportMissing: false,
    });
  });

  it('has no summary when there is no report, and says when one was expected but missing', () => {
    expect(parseStepReport('test passed: 2 command(s)\n')).toEqual({ summary: 'test passed: 2 command(s)', reportMissing: false });
    expect(parseStepReport('test passed: 2 command(s)\njunit missing\n').reportMissing).toBe(true);
    expect(parseStepReport(undefined)).toEqual({ reportMissing: false });
  });
});

describe('the image a build pushed', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;

  it('is the repository of the tag it pushed, pinned to the digest the builder reported', () => {
    expect(parseBuiltImage(`built 10.240.3.2:5000/demo/app:${'c'.repeat(40)} ${digest}\n`)).toBe(`10.240.3.2:5000/demo/app@${digest}`);
    expect(parseBuiltImage(`built registry.example.com/team/app ${digest}`)).toBe(`registry.example.com/team/app@${digest}`);
  });

  it('is unknown when the builder reported no digest, or not a sha256 one', () => {
    expect(parseBuiltImage('built registry.example.com/team/app:1 ')).toBeUndefined();
    expect(parseBuiltImage('built registry.example.com/team/app:1 sha256:short')).toBeUndefined();
    expect(parseBuiltImage('build failed: buildctl exited 1 (see the log)')).toBeUndefined();
    expect(parseBuiltImage(undefined)).toBeUndefined();
  });
});
