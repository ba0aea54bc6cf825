import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactOutcome, secretNeedles, secretsOfPod } from './redact.js';

const PASSWORD = 'Tr0ub4dor&3-horse-battery';
const KEY = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACBvbXlrZXlrZXlrZXlrZXlrZXlrZXlrZXlrZXlrZXlrZXlAAAAJgAAAAAAA',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');

describe('redact', () => {
  it('replaces every occurrence of a mounted Secret value, keeping the text around it', () => {
    const needles = secretNeedles([PASSWORD, 'sluice-ci']);
    expect(redact(`user sluice-ci logged in with ${PASSWORD}\nagain: ${PASSWORD}!`, needles)).toBe(`user ${REDACTED} logged in with ${REDACTED}\nagain: ${REDACTED}!`);
  });

  it('redacts a secret cut by the start or the end of the tail', () => {
    const needles = secretNeedles([PASSWORD]);
    // The tail began in the middle of the password…
    expect(redact(`${PASSWORD.slice(9)}\nnext line`, needles)).toBe(`${REDACTED}\nnext line`);
    // …or was cut (limitBytes) in the middle of it.
    expect(redact(`last line\npassword=${PASSWORD.slice(0, 12)}`, needles)).toBe(`last line\npassword=${REDACTED}`);
    // A few characters of it at an edge are too little to tell from ordinary text.
    expect(redact('rse-battery is a phrase', secretNeedles(['abc'])).startsWith('rse')).toBe(true);
  });

  it('redacts a multi-line Secret value whole, line by line, and its base64 form', () => {
    const needles = secretNeedles([`${KEY}\n`]);
    const lines = KEY.split('\n');
    expect(redact(`key:\n${KEY}\ndone`, needles)).toBe(`key:\n${REDACTED}\ndone`);
    expect(redact(`> ${lines[1]}\n> ${lines[2]}`, needles)).toBe(`> ${REDACTED}\n> ${REDACTED}`);
    expect(redact(Buffer.from(PASSWORD).toString('base64'), secretNeedles([PASSWORD]))).toBe(REDACTED);
  });

  it('finds the password inside a .dockerconfigjson (its auth field, decoded or not)', () => {
    const auth = Buffer.from(`robot:${PASSWORD}`).toString('base64');
    const needles = secretNeedles([JSON.stringify({ auths: { 'registry.example.com': { auth } } })]);
    expect(redact(`pushing with ${auth}`, needles)).toBe(`pushing with ${REDACTED}`);
    expect(redact(`login robot:${PASSWORD}`, needles)).toBe(`login ${REDACTED}`);
    expect(redact(`echo ${PASSWORD}`, needles)).toBe(`echo ${REDACTED}`);
  });

  it('redacts a private key block that is not a mounted Secret, also when the tail cuts it', () => {
    expect(redact(`before\n${KEY}\nafter`, [])).toBe(`before\n${REDACTED}\nafter`);
    const rsa = KEY.replaceAll('OPENSSH', 'RSA');
    expect(redact(`${rsa.slice(rsa.indexOf('\n') + 5)}\nafter`, [])).toBe(`${REDACTED}\nafter`);
    expect(redact(`before\n${rsa.slice(0, 80)}`, [])).toBe(`before\n${REDACTED}`);
    expect(redact('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', [])).toContain('MIIB');
  });

  it('redacts GitLab tokens of every gl…- prefix, and leaves ordinary words alone', () => {
    for (const token of ['glpat-Xy12Ab34Cd56Ef78Gh90', 'gldt-ab12CD34ef56GH78ij90', 'glrt-t1_AbCdEf0123456789xyz', 'glcbt-64_abcdefGHIJ0123456789']) {
      expect(redact(`token=${token} end`, [])).toBe(`token=${REDACTED} end`);
    }
    expect(redact('see global-configuration-settings and glibc-2.35', [])).toBe('see global-configuration-settings and glibc-2.35');
  });

  it('redacts Authorization headers and Bearer tokens, keeping the header name', () => {
    expect(redact('> Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc', [])).toBe(`> Authorization: ${REDACTED}`);
    expect(redact('Authorization: Basic c2x1aWNlOnBhc3M=', [])).toBe(`Authorization: ${REDACTED}`);
    expect(redact('curl -H "authorization: token abcdef123456"', [])).toBe(`curl -H "authorization: ${REDACTED}"`);
    expect(redact('sent Bearer abcdefghijklmnop', [])).toBe(`sent Bearer ${REDACTED}`);
  });

  it('redacts credentials in URLs, keeping scheme and host', () => {
    expect(redact('fatal: could not read from https://oauth2:s3cr3t-t0ken@gitlab.example.com/team/shop.git', [])).toBe(
      `fatal: could not read from https://${REDACTED}@gitlab.example.com/team/shop.git`,
    );
    expect(redact('cloned https://gitlab.example.com/team/shop.git', [])).toBe('cloned https://gitlab.example.com/team/shop.git');
  });

  it('leaves a log without secrets as it was', () => {
    const log = '==> test 1/1: sh test.sh\nrunning tests of commit passing\n2 passed\n';
    expect(redact(log, secretNeedles([PASSWORD, 'sluice-ci']))).toBe(log);
  });
});

describe('redactOutcome', () => {
  it('redacts the stage message and the JUnit failure names taken from the pod', () => {
    const outcome = redactOutcome(
      {
        kind: 'failed',
        reason: 'TestsFailed',
        message: `tests failed with exit code 1: test failed: command 1/1 exited 1: echo ${PASSWORD}`,
        durations: {},
        testSummary: { total: 1, passed: 0, failed: 1, skipped: 0, firstFailures: [`auth.uses ${PASSWORD}`] },
        stopJob: false,
      },
      secretNeedles([PASSWORD]),
    );
    expect(outcome.message).toBe(`tests failed with exit code 1: test failed: command 1/1 exited 1: echo ${REDACTED}`);
    expect(outcome.testSummary?.firstFailures).toEqual([`auth.uses ${REDACTED}`]);
    expect(outcome.reason).toBe('TestsFailed');
  });
});

describe('secretsOfPod', () => {
  it('names every Secret the pod mounts or reads into env, once each', () => {
    expect(
      secretsOfPod({
        volumes: [{ secret: { secretName: 'git' } }, {}, { projected: { sources: [{ secret: { name: 'extra' } }, {}] } }, { secret: { secretName: 'registry' } }],
        initContainers: [{ env: [{ valueFrom: { secretKeyRef: { name: 'git' } } }, {}] }],
        containers: [{ envFrom: [{ secretRef: { name: 'from-env' } }] }],
      }),
    ).toEqual(['extra', 'from-env', 'git', 'registry']);
    expect(secretsOfPod(undefined)).toEqual([]);
  });
});
