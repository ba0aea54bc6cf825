/**
 * Helpers for the CLI's tests: run a command line in-process with a fake
 * terminal, or as a real process, and make Applications and Deliveries on
 * the local cluster the vitest global setup provides (`inject('kubeconfig')`).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { API_GROUP_VERSION, initialStatus, type ApplicationSpecInput, type DeliveryStatus, type EnvironmentName } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { adminClient, createNamespace, deleteNamespace, installSluiceCrds } from '@sluice/local-cluster/testing';
import { inject } from 'vitest';
import type { Io } from '../cli/io.js';
import { run } from '../cli/run.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

/** What a command line printed and how it exited. */
export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** A command line running in-process: its output so far, Ctrl-C, and its end. */
export interface RunningCli {
  out(): string;
  err(): string;
  /** Resolves once stdout satisfies `predicate`; rejects after `timeoutMs`. */
  waitForOutput(predicate: (out: string) => boolean, timeoutMs?: number): Promise<void>;
  interrupt(): void;
  readonly done: Promise<CliResult>;
}

/** Starts `sluice <argv>` in-process, not on a terminal (plain lines, no colour), with `env` as its environment. */
export function startCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}, now = () => new Date()): RunningCli {
  let out = '';
  let err = '';
  const controller = new AbortController();
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), tty: false, color: false, env, interrupt: controller.signal, now };
  const done = run(argv, io, '0.0.0-test').then((code) => ({ code, out, err }));
  return {
    out: () => out,
    err: () => err,
    interrupt: () => controller.abort(),
    done,
    waitForOutput: async (predicate, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(out)) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; output so far:\n${out}\nstderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** Runs `sluice <argv>` in-process to the end. */
export function runCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Promise<CliResult> {
  return startCli(argv, env).done;
}

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

/** Runs the CLI as a real process (`node --import tsx src/main.ts …`), stdout and stderr piped. */
export function runCliProcess(argv: readonly string[], env: Readonly<Record<string, string>> = {}, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...argv], {
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/nonexistent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice ${argv.join(' ')} did not exit within ${timeoutMs} ms; stderr:\n${err}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out, err });
    });
  });
}

/** A namespace with the Sluice CRDs installed, and an admin client. */
export interface Fixture {
  readonly client: KubeClient;
  readonly kubeconfig: string;
  readonly namespace: string;
  /** Global options pointing the CLI at this namespace and cluster. */
  readonly flags: readonly string[];
  close(): Promise<void>;
}

/** Installs the CRDs and makes a namespace `<prefix>-xxxxx` for one test file. */
export async function openFixture(prefix: string): Promise<Fixture> {
  const kubeconfig = inject('kubeconfig');
  const client = adminClient(kubeconfig, 'cli-int-test');
  await installSluiceCrds(client);
  const namespace = await createNamespace(client, prefix);
  return { client, kubeconfig, namespace, flags: ['--kubeconfig', kubeconfig, '-n', namespace], close: () => deleteNamespace(client, namespace) };
}

/** A SHA made of one repeated hex digit pattern: `sha('a1')` → `a1a1…`. */
export function sha(pattern: string): string {
  return pattern.repeat(40).slice(0, 40);
}

/** An Application for a sample app, production (and staging when asked) in `targetNamespace`. */
export function applicationObject(o: { namespace: string; name: string; targetNamespace: string; staging?: boolean; annotations?: Record<string, string> }): KubeObject {
  const target = (env: string) => ({ namespace: o.targetNamespace, deploymentName: `${o.name}-${env}`, serviceName: `${o.name}-${env}` });
  const spec: ApplicationSpecInput = {
    project: { id: 7, path: 'team/shop' },
    repositoryUrl: 'https://gitlab.example.com/team/shop.git',
    rules: [{ refs: 'main', environments: o.staging ? ['staging', 'production'] : ['production'] }],
    test: { image: 'node:20', commands: ['npm test'] },
    build: { repository: 'registry.example.com/team/shop' },
    environments: { ...(o.staging && { staging: target('staging') }), production: target('production') },
  };
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'Application',
    metadata: { name: o.name, namespace: o.namespace, ...(o.annotations && { annotations: o.annotations }) },
    spec: spec as unknown as Record<string, unknown>,
  };
}

/** What {@link createDelivery} makes. */
export interface DeliveryInput {
  readonly name: string;
  readonly application: string;
  readonly ref?: string;
  readonly sha: string;
  readonly receivedAt: string;
  readonly environments?: readonly EnvironmentName[];
  readonly annotations?: Record<string, string>;
  /** The commit as a push webhook lists it. */
  readonly commit?: { readonly title: string; readonly authorName?: string };
  /** Changes the initial (all pending) status; omit to leave the Delivery without status. */
  readonly status?: (status: DeliveryStatus) => DeliveryStatus;
}

/** Creates a Delivery as the gateway would, then writes its status as the controllers would. */
export async function createDelivery(client: KubeClient, namespace: string, d: DeliveryInput): Promise<void> {
  await client.create<KubeObject>({
    apiVersion: API_GROUP_VERSION,
    kind: 'Delivery',
    metadata: { name: d.name, namespace, ...(d.annotations && { annotations: d.annotations }) },
    spec: {
      application: d.application,
      project: { id: 7, path: 'team/shop' },
      repositoryUrl: 'https://gitlab.example.com/team/shop.git',
      ref: d.ref ?? 'main',
      refType: 'branch',
      before: '0'.repeat(40),
      after: d.sha,
      checkoutSha: d.sha,
      pusher: { name: 'Ada Lovelace', username: 'ada', email: 'ada@example.com' },
      idempotencyKey: `key-${d.name}`,
      receivedAt: d.receivedAt,
      ...(d.commit && { commit: d.commit }),
      environments: [...(d.environments ?? ['production'])],
    },
  });
  if (d.status) await setStatus(client, namespace, d.name, d.status(initialStatus({ environments: d.environments ?? ['production'] })));
}

/** Replaces a Delivery's status, as a controller does. */
export async function setStatus(client: KubeClient, namespace: string, name: string, status: DeliveryStatus): Promise<void> {
  await client.updateStatus<KubeObject>({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace, name }, () => status);
}

/** The annotations of a Sluice object, read now. */
export async function annotationsOf(client: KubeClient, namespace: string, kind: 'Application' | 'Delivery', name: string): Promise<Record<string, string>> {
  const obj = await client.get<KubeObject>({ apiVersion: API_GROUP_VERSION, kind, namespace, name });
  return obj?.metadata.annotations ?? {};
}
