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
export { ensureBinaries, ensureBuilder, ensureImages, ensureNodeBinaries, ensureNodePackages } from './binaries.js';
export {
  buildImages,
  ImageBuildError,
  type BuildImagesOptions,
  type BuildNode,
  type ImageBuild,
} from './node/build-images.js';
export { IMAGE_NAMES, type ImageName, type ImageRefs } from './node/images.js';
export { readRealNodeState, type RealNodeState } from './node/launch.js';
export { nodeNetwork, type NodeNetwork } from './node/network.js';
export { serviceAccountKubeconfig, type ServiceAccountKubeconfigOptions } from './service-account.js';
export { freePorts } from './ports.js';
