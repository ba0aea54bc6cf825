/** Test helpers for other projects' tests (`@sluice/manifests/testing`): the NetworkPolicy simulator. */
export { canConnect } from './netpol-sim.js';
export type { SimExternal, SimPod } from './netpol-sim.js';
