export {
  startCluster,
  stopCluster,
  isClusterRunning,
  readClusterState,
  type StartClusterOptions,
  type LocalCluster,
  type ClusterState,
} from './cluster.js';
export { CONTROLLERS, type ClusterPorts } from './components.js';
export { ensureBinaries } from './binaries.js';
export { serviceAccountKubeconfig, type ServiceAccountKubeconfigOptions } from './service-account.js';
export { freePorts } from './ports.js';
