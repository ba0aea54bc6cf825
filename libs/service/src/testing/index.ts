/**
 * Test helpers for Sluice services, imported as `@sluice/service/testing`
 * from tests only: they spawn processes and must not end up in an app bundle.
 */
export { startServiceProcess, runServiceProcess, freePort, rssMb } from './service-process.js';
export type { ServiceProcess, ServiceProcessOptions, ProcessExit } from './service-process.js';
export { describeProcMemory, procMemory } from './proc-memory.js';
export type { ProcMemory } from './proc-memory.js';
