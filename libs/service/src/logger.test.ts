import { describe, expect, it } from 'vitest';
import { createLogger, deliveryLogger, type LoggerOptions } from './logger.js';

function capture(options: Omit<LoggerOptions, 'destination'>) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ ...options, destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with service, textual level and ISO time', () => {
    const { logger, lines } = capture({ service: 'webhook-gateway' });
    logger.info({ port: 8080 }, 'started');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ service: 'webhook-gateway', level: 'info', msg: 'started', port: 8080 });
    expect(String(lines[0]?.['time'])).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('drops lines below the configured level', () => {
    const { logger, lines } = capture({ service: 's', level: 'warn' });
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((l) => l['msg'])).toEqual(['loud']);
  });

  it('redacts secret-looking fields at the top level, one level down and in headers', () => {
    const { logger, lines } = capture({ service: 's' });
    logger.info(
      {
        token: 'glpat-1',
        password: 'p',
        gitlab: { privateToken: 'glpat-2', url: 'https://gitlab.example' },
        headers: { authorization: 'Bearer x', 'x-gitlab-token': 'hook', accept: 'application/json' },
        req: { headers: { authorization: 'Bearer y' } },
      },
      'request',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['glpat-1', 'glpat-2', 'Bearer x', 'Bearer y', '"p"', '"hook"']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      token: '[redacted]',
      gitlab: { privateToken: '[redacted]', url: 'https://gitlab.example' },
      headers: { authorization: '[redacted]', 'x-gitlab-token': '[redacted]', accept: 'application/json' },
    });
  });
});

describe('deliveryLogger', () => {
  it('adds the delivery id, namespace and sha to every line', () => {
    const { logger, lines } = capture({ service: 'test-runner' });
    deliveryLogger(logger, { deliveryId: 'shop-main-1a2b3c4', namespace: 'sluice-test', sha: '1a2b3c4d' }).info('job created');
    expect(lines[0]).toMatchObject({ service: 'test-runner', deliveryId: 'shop-main-1a2b3c4', namespace: 'sluice-test', sha: '1a2b3c4d' });
  });
});
