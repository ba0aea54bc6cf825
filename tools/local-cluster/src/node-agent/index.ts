export { startNodeAgent, type NodeAgent, type NodeAgentOptions } from './agent.js';
export { SIM_ANNOTATIONS, simAnnotationFor, type SimKey } from './simulation.js';
