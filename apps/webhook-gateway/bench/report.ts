/** The gateway benchmark's table and its figures against issue 20's targets. */
import { execFileSync } from 'node:child_process';
import { percentile, type LoadResult } from './load.js';

/** One measured scenario. */
export interface Row {
  readonly scenario: string;
  readonly load: string;
  readonly result: LoadResult;
  readonly rssMb: string;
  /** 1-minute load average when the row finished. */
  readonly loadavg: string;
  /** A closed loop measuring this side's maximum throughput. */
  readonly maximum?: 'gateway' | 'seed';
  /** CPU time used while the row ran, ms: the gateway's, and the apiserver's when measured. */
  readonly cpu?: { readonly gateway: number; readonly apiserver?: number };
}

/** What the figures table is computed from, filled in by the phases that ran. */
export interface Figures {
  rss?: { idle: number; after500: number };
  readonly p99: { gateway: number; direct: number }[];
  /** Gateway CPU per accepted webhook, ms, in each A/B pair. */
  readonly telemetry: { plain: number; exported: number }[];
  exports?: string;
  /** CPU per accepted webhook, ms: the gateway and the bare Node baseline (`bare-create.ts`), in each pair. */
  readonly floor: { gateway: number; bare: number }[];
  /** Rejections per CPU-second. */
  readonly badToken: { gateway: number; bare: number }[];
  apiserver?: { rss: number; liveHeap: number | undefined; deliveries: number };
  /** A typical stored Delivery as JSON, bytes. */
  deliveryBytes?: { total: number; managedFields: number };
}

export function newFigures(): Figures {
  return { p99: [], telemetry: [], badToken: [], floor: [] };
}

/** Accepted requests per second of a run. */
export function rate(result: LoadResult): number {
  return result.ok / (result.elapsedMs / 1000);
}

/** Prints the scenario table, then each figure of issue 20 with its target, pair by pair. */
export function printReport(rows: readonly Row[], figures: Figures): void {
  const header = ['scenario', 'load', 'sent', 'ok', 'failed', 'p50 ms', 'p99 ms', 'achieved/s', 'CPU ms/webhook gw (apiserver)', 'RSS MB', 'loadavg'];
  const lines = rows.map(({ scenario, load, result, rssMb, loadavg, cpu }) => {
    const failed = Object.entries(result.failures).map(([k, v]) => `${v}×${k}`).join(' ') || '0';
    const per = (ms: number | undefined) => (ms === undefined ? '' : (ms / Math.max(1, result.ok)).toFixed(2));
    const cpuCell = cpu === undefined ? '-' : `${per(cpu.gateway)}${cpu.apiserver === undefined ? '' : ` (${per(cpu.apiserver)})`}`;
    return [scenario, load, String(result.sent), String(result.ok), failed, fmt(percentile(result.latencies, 50)), fmt(percentile(result.latencies, 99)), rate(result).toFixed(1), cpuCell, rssMb, loadavg];
  });
  table(header, lines);

  const best = (side: 'gateway' | 'seed') => Math.max(0, ...rows.filter((r) => r.maximum === side).map((r) => rate(r.result)));
  const [gatewayMax, seedMax] = [best('gateway'), best('seed')];
  if (gatewayMax > 0 && seedMax > 0) console.log(`\ngateway max / seed max: ${gatewayMax.toFixed(0)}/s / ${seedMax.toFixed(1)}/s = ${(gatewayMax / seedMax).toFixed(1)}×`);

  const checks: string[][] = [];
  const check = (figure: string, value: string, target: string, met: boolean) => checks.push([figure, value, target, met ? 'yes' : 'NO']);
  figures.telemetry.forEach(({ plain, exported }, i) => {
    check(`gateway CPU/webhook, exported ÷ not, measured at once (pair ${i + 1})`, `${exported.toFixed(3)} / ${plain.toFixed(3)} ms = ${(exported / plain).toFixed(2)}×`, '≤ 1.25×', exported / plain <= 1.25);
  });
  figures.floor.forEach(({ gateway, bare }, i) => {
    check(`gateway CPU per accepted webhook ÷ bare Node's (pair ${i + 1})`, `${gateway.toFixed(3)} / ${bare.toFixed(3)} ms = ${(gateway / bare).toFixed(2)}×`, 'gateway ≤ 0.6 ms', gateway <= 0.6);
  });
  figures.badToken.forEach(({ gateway, bare }, i) => {
    check(`bad-token rejections per CPU-second ÷ bare Node 401's, flooded at once (pair ${i + 1})`, `${gateway.toFixed(0)} / ${bare.toFixed(0)} = ${(gateway / bare).toFixed(2)}`, '≥ 0.8', gateway / bare >= 0.8);
  });
  figures.p99.forEach(({ gateway, direct }, i) => {
    check(`webhook p99 ÷ no-gateway create p99, 100/s (pair ${i + 1})`, `${gateway.toFixed(1)} / ${direct.toFixed(1)} ms = ${(gateway / direct).toFixed(2)}`, '≤ 1.2', gateway / direct <= 1.2);
  });
  if (figures.rss) check('gateway RSS idle / after 500 Deliveries', `${figures.rss.idle} / ${figures.rss.after500} MB`, '≤ 120 / ≤ 160 MB', figures.rss.idle <= 120 && figures.rss.after500 <= 160);
  if (figures.apiserver) {
    const { rss, liveHeap, deliveries } = figures.apiserver;
    check(`kube-apiserver RSS with ${deliveries} Deliveries stored (live heap ${liveHeap ?? '?'} MB)`, `${rss} MB`, '≤ 0.8 GB', rss * 1.048576 <= 800);
  }
  if (checks.length > 0) {
    console.log('\nIssue 20 figures (each pair measured back to back, same stored state):');
    table(['figure', 'measured', 'target', 'met'], checks);
  }
  if (figures.exports) console.log(`telemetry A/B: ${figures.exports}`);
  if (figures.deliveryBytes) {
    const { total, managedFields } = figures.deliveryBytes;
    console.log(`a typical Delivery as stored (JSON, before any status): ${total} bytes, of which managedFields ${managedFields}`);
  }
  console.log(`node ${process.version}, ${execFileSync('nproc', { encoding: 'utf8' }).trim()} CPUs; latency = request sent → response read, client on the same machine`);
}

function table(header: readonly string[], lines: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const row = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(['', row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n'));
}

function fmt(ms: number): string {
  return Number.isNaN(ms) ? '-' : ms.toFixed(1);
}
