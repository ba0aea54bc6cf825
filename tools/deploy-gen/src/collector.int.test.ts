import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePorts } from '@sluice/local-cluster';
import { collectorConfigYaml, dashboardQueries, otelCollectorConfig, promqlRefs, type OtelCollectorConfig } from '@sluice/manifests';
import { ATTR, METRICS, instruments, startTelemetry, type MetricKey } from '@sluice/telemetry';
import { startTraceReceiver, type TraceReceiver } from '@sluice/trace-receiver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './kubectl.testkit.js';

/**
 * The collector configuration against a real collector: Jaeger v2 is an
 * OpenTelemetry Collector distribution with the same `otlp` receiver,
 * `memory_limiter`, `batch`, `otlp` and `prometheus` exporters as
 * collector-contrib. It has `healthcheckv2` instead of `health_check`
 * (same settings in its default mode), so that one extension is swapped.
 */

let jaeger: string;
let dir: string;

function jaegerBinary(): string {
  const built = spawnSync('bash', ['tools/trace-receiver/build.sh'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`tools/trace-receiver/build.sh failed: ${built.stderr}`);
  return built.stdout.trim().split('\n').at(-1)!;
}

/** The configuration with `health_check` checked as Jaeger's `healthcheckv2`: the only component Jaeger lacks. */
function forJaeger(config: OtelCollectorConfig): Record<string, unknown> {
  const c = structuredClone(config) as { extensions: Record<string, unknown>; service: { extensions: string[] } };
  expect(Object.keys(c.extensions)).toEqual(['health_check']);
  c.extensions = { healthcheckv2: c.extensions['health_check'] };
  c.service.extensions = c.service.extensions.map((e) => (e === 'health_check' ? 'healthcheckv2' : e));
  return c;
}

async function validate(config: Readonly<Record<string, unknown>>, name: string): Promise<{ status: number; output: string }> {
  const file = join(dir, name);
  await writeFile(file, collectorConfigYaml(config));
  const r = spawnSync(jaeger, ['validate', '--config', file], { encoding: 'utf8', env: { PATH: process.env['PATH'] } });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

beforeAll(async () => {
  jaeger = jaegerBinary();
  dir = await mkdtemp(join(tmpdir(), 'sluice-collector-test-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('deploy/observability/otel-collector.yaml', () => {
  it('passes validate of a real collector', async () => {
    const config = parse(await readFile(join(ROOT, 'deploy/observability/otel-collector.yaml'), 'utf8')) as OtelCollectorConfig;
    const r = await validate(forJaeger(config), 'deployed.yaml');
    expect(r.output).not.toMatch(/error/i);
    expect(r.status).toBe(0);
  });

  it('would fail validation if it were broken (the check is not vacuous)', async () => {
    const broken = forJaeger(otelCollectorConfig()) as { service: { pipelines: { metrics: { processors: string[] } } } };
    broken.service.pipelines.metrics.processors = ['memory_limiter', 'batch', 'no_such_processor'];
    const r = await validate(broken, 'broken.yaml');
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/no_such_processor/);
  });
});

/** The text exposition format, parsed: series name → the label sets of its samples. */
function parseScrape(text: string): Map<string, Record<string, string>[]> {
  const out = new Map<string, Record<string, string>[]>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    out.set(m[1]!, [...(out.get(m[1]!) ?? []), labels]);
  }
  return out;
}

/** A plausible value for every attribute, overridden by what a dashboard query filters on. */
const SAMPLE: Readonly<Record<string, string | number>> = {
  [ATTR.pipelineName]: 'shop',
  [ATTR.pipelineResult]: 'success',
  [ATTR.taskName]: 'build',
  [ATTR.taskResult]: 'success',
  [ATTR.errorType]: 'TestsFailed',
  [ATTR.environment]: 'production',
  [ATTR.rollbackTrigger]: 'automatic',
  [ATTR.queue]: 'test',
  [ATTR.httpStatus]: 502,
  [ATTR.gitlabOperation]: 'status',
  [ATTR.webhookOutcome]: 'accepted',
};

describe('the collector running this configuration', () => {
  let collector: ChildProcess | undefined;
  let receiver: TraceReceiver | undefined;
  let log = '';
  let scrapeUrl = '';
  let otlpUrl = '';

  beforeAll(async () => {
    receiver = await startTraceReceiver(); // stands in for Tempo: OTLP/gRPC in, traces queryable
    const [otlpGrpc, otlpHttp, metrics, health] = (await freePorts(4)) as [number, number, number, number];
    const config = forJaeger(otelCollectorConfig({ tempoEndpoint: receiver.otlpGrpcEndpoint, bindAddress: '127.0.0.1', ports: { otlpGrpc, otlpHttp, metrics, health } }));
    // No self-metrics listener on :8888, which other collectors on this machine may hold.
    (config as { service: Record<string, unknown> }).service['telemetry'] = { metrics: { level: 'none' } };
    const file = join(dir, 'running.yaml');
    await writeFile(file, collectorConfigYaml(config));
    collector = spawn('setpriv', ['--pdeathsig', 'KILL', '--', jaeger, '--config', file], { env: { PATH: process.env['PATH'] }, stdio: ['ignore', 'pipe', 'pipe'] });
    collector.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    collector.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    scrapeUrl = `http://127.0.0.1:${metrics}/metrics`;
    otlpUrl = `http://127.0.0.1:${otlpHttp}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const healthy = await fetch(`http://127.0.0.1:${health}/`).then((r) => r.ok, () => false);
      if (healthy) break;
      if (collector.exitCode !== null || Date.now() > deadline) throw new Error(`the collector did not become healthy:\n${log.slice(-3000)}`);
      await sleep(200);
    }
  });

  afterAll(async () => {
    collector?.kill('SIGTERM');
    await receiver?.stop();
  });

  it('exposes the catalog metrics under exactly the names and labels the dashboard queries, and passes traces on to Tempo', async () => {
    const telemetry = startTelemetry({
      serviceName: 'collector-test',
      serviceVersion: '0.0.0',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl, OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=collector-test-0' },
    });
    const ins = instruments(telemetry.meter);
    const queries = dashboardQueries();
    for (const key of Object.keys(METRICS) as MetricKey[]) {
      const spec = METRICS[key];
      // One point per distinct filter the dashboard applies to this metric, every declared attribute set.
      const filters = [{}, ...queries.filter((q) => q.metric === spec.name).map((q) => q.values)];
      for (const values of filters) {
        const attributes = Object.fromEntries(spec.attributes.map((a) => [a, values[a] ?? SAMPLE[a]!]));
        const instrument = ins[key];
        if ('record' in instrument) instrument.record(12, attributes);
        else if ('add' in instrument) instrument.add(1, attributes);
        else instrument.set('test', 3);
      }
    }
    const span = telemetry.tracer.startSpan('collector-test', { attributes: { [ATTR.pipelineName]: 'shop', [ATTR.errorType]: 'TestsFailed' } });
    const traceId = span.spanContext().traceId;
    span.end();
    await telemetry.shutdown(); // flushes metrics and spans

    let scrape = new Map<string, Record<string, string>[]>();
    const missing = () =>
      queries.flatMap((q) => {
        const refs = promqlRefs(q.expr);
        return refs.metrics.flatMap((series) => {
          const wanted = refs.labels.filter((l) => l !== 'le' || series.endsWith('_bucket'));
          const equal = refs.matchers.filter((m) => m.op === '=');
          const ok = (scrape.get(series) ?? []).some((labels) => wanted.every((l) => l in labels) && equal.every((m) => labels[m.label] === m.value));
          return ok ? [] : [`${q.panel}: ${series} with ${wanted.join(', ')}${equal.length ? ` where ${equal.map((m) => `${m.label}="${m.value}"`).join(', ')}` : ''}`];
        });
      });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      scrape = parseScrape(await (await fetch(scrapeUrl)).text());
      if (missing().length === 0) break;
      await sleep(250);
    }
    expect(missing(), `scraped series: ${[...scrape.keys()].join(', ')}\ncollector log:\n${log.slice(-2000)}`).toEqual([]);
    // service.name and service.instance.id become job and instance, which keep replicas apart.
    expect(scrape.get('sluice_rollbacks_total')).toEqual([expect.objectContaining({ job: 'collector-test', instance: 'collector-test-0' })]);

    const spans = await receiver!.waitForTrace(traceId, (s) => s.some((x) => x.name === 'collector-test'));
    expect(spans[0]).toMatchObject({ serviceName: 'collector-test', attributes: expect.objectContaining({ [ATTR.errorType]: 'TestsFailed' }) });
  });
});
