/**
 * The node agent: our kubelet (and, for its single node, our scheduler).
 * See README.md in this directory for what it does and does not do.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { startBinder, type Binder } from './binder.js';
import { serviceEnv } from './env.js';
import { eventRecorder } from './events.js';
import { IpAllocator } from './ip-allocator.js';
import { createKubeClient } from './kube-client.js';
import { startLogServer } from './log-server.js';
import { nodeLabels, registerNode } from './node-registration.js';
import { ensurePodNetwork } from './pod-network.js';
import { startPodManager } from './pod-manager.js';
import { detectRunnerEnvironment } from './process-runner.js';
import { DEFAULT_BACKOFF } from './restart-policy.js';

const quantities = z.record(z.string(), z.string());

const OptionsSchema = z.object({
  kubeconfigPath: z.string().min(1),
  nodeName: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'nodeName must be a DNS subdomain').default('local-node'),
  workDir: z.string().min(1),
  kubeletTls: z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }),
  kubeletPort: z.number().int().min(0).max(65535),
  podCidrBase: z
    .string()
    .regex(/^\d{1,3}\.\d{1,3}$/, 'podCidrBase is two octets, e.g. "127.1"')
    .default('127.1'),
  capacity: quantities.optional(),
  labels: z.record(z.string(), z.string()).optional(),
  maxGraceSeconds: z.number().min(0).default(5),
  shutdownGraceMs: z.number().min(0).default(2000),
  crashLoopBackoff: z
    .object({ initialMs: z.number().min(0), maxMs: z.number().min(0), resetAfterMs: z.number().min(0) })
    .partial()
    .optional(),
});

/** Options of {@link startNodeAgent}. */
export interface NodeAgentOptions {
  /** Admin (or node) kubeconfig. */
  readonly kubeconfigPath: string;
  /** Default `local-node`. */
  readonly nodeName?: string;
  /** Per-pod directories (volumes, logs, container scaffolding) go under `<workDir>/pods/<uid>`. */
  readonly workDir: string;
  /** Serving certificate for the kubelet endpoint, signed by the cluster CA, SAN 127.0.0.1. */
  readonly kubeletTls: { readonly certFile: string; readonly keyFile: string };
  /** Port of the kubelet endpoint (logs); published as `daemonEndpoints.kubeletEndpoint.Port`. 0 picks one. */
  readonly kubeletPort: number;
  /**
   * First two octets of the pods' /16. Default `127.1`: loopback, needs no
   * setup, but EndpointSlices refuse loopback addresses, so Services get no
   * endpoints. Any other range (e.g. `10.244`) is added to `lo` (needs root)
   * and Services work.
   */
  readonly podCidrBase?: string;
  readonly logger: Logger;
  /** Node capacity (= allocatable). Default cpu 8, memory 16Gi, pods 110, ephemeral-storage 100Gi. */
  readonly capacity?: Readonly<Record<string, string>>;
  /** Extra node labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Cap on every termination grace period, seconds. Default 5 (a local cluster should not wait 30 s). */
  readonly maxGraceSeconds?: number;
  /** Grace for pod processes when the agent stops. Default 2000 ms. */
  readonly shutdownGraceMs?: number;
  /** Crash-loop back-off. Default initial 1 s, max 10 s, reset after 60 s (the kubelet: 10 s, 5 min, 10 min). */
  readonly crashLoopBackoff?: { readonly initialMs?: number; readonly maxMs?: number; readonly resetAfterMs?: number };
}

/** A running node agent. */
export interface NodeAgent {
  readonly nodeName: string;
  /** Port the kubelet endpoint listens on. */
  readonly kubeletPort: number;
  /** How containers run: `namespaces` (private mount namespace per container) or `direct` (plain processes, no mounts). */
  readonly runnerMode: 'namespaces' | 'direct';
  /** Stops every pod process (SIGTERM, SIGKILL after the grace) and closes watches and the server. Leaves API objects alone. */
  stop(): Promise<void>;
}

const HOST_IP = '127.0.0.1';

/** Registers the node, starts binding and running pods, serves logs. Resolves once the node is ready. */
export async function startNodeAgent(options: NodeAgentOptions): Promise<NodeAgent> {
  const { logger: rootLogger, ...rest } = options;
  const o = OptionsSchema.parse(rest);
  const logger = rootLogger.child({ component: 'node-agent', node: o.nodeName });
  const workDir = resolve(o.workDir);
  await mkdir(workDir, { recursive: true });
  const client = await createKubeClient(o.kubeconfigPath);
  const runner = detectRunnerEnvironment(logger);
  const ips = new IpAllocator(o.podCidrBase);
  const capacity = o.capacity ?? { cpu: '8', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  const labels = nodeLabels(o.nodeName, o.labels);
  const recordEvent = eventRecorder(client, o.nodeName, logger);
  let registered = false;

  const server = await startLogServer({
    host: HOST_IP,
    port: o.kubeletPort,
    certFile: o.kubeletTls.certFile,
    keyFile: o.kubeletTls.keyFile,
    find: (ns, name) => manager.find(ns, name),
    healthy: () => registered,
    logger,
  });
  let network: ReturnType<typeof ensurePodNetwork>;
  try {
    network = ensurePodNetwork(o.podCidrBase, logger);
  } catch (err) {
    await server.close();
    throw err;
  }
  const registration = await registerNode(
    client,
    { name: o.nodeName, hostIP: HOST_IP, kubeletPort: server.port, podCidr: ips.cidr, labels, capacity },
    logger,
  ).catch(async (err: unknown) => {
    await server.close();
    network.release();
    throw err;
  });

  const binderRef: { current?: Binder } = {};
  const manager = startPodManager(
    {
      client,
      logger,
      runner,
      ips,
      hostIP: HOST_IP,
      workDir,
      nodeAllocatable: capacity,
      baseEnv: { PATH: process.env.PATH || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...serviceEnv(client.server) },
      backoff: { ...DEFAULT_BACKOFF, ...o.crashLoopBackoff },
      maxGraceSeconds: o.maxGraceSeconds,
      recordEvent,
      onTerminal: () => binderRef.current?.nudge(),
    },
    o.nodeName,
  );
  const binder = startBinder({
    client,
    node: { name: o.nodeName, labels, allocatable: capacity },
    podsOnNode: () => manager.podsOnNode(),
    recordEvent,
    logger,
  });
  binderRef.current = binder;
  await Promise.all([manager.synced, binder.synced]);
  registered = true;
  logger.info({ kubeletPort: server.port, runner: runner.mode, podCidr: ips.cidr }, 'node agent ready');

  let stopping: Promise<void> | undefined;
  return {
    nodeName: o.nodeName,
    kubeletPort: server.port,
    runnerMode: runner.mode,
    stop: () =>
      (stopping ??= (async () => {
        binder.stop();
        registration.stop();
        await manager.stop(o.shutdownGraceMs);
        await server.close();
        network.release();
        client.close();
        logger.info('node agent stopped');
      })()),
  };
}
