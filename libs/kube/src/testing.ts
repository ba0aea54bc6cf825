/**
 * `@sluice/kube/testing`: for benches and tests that must reach below the
 * client, e.g. to count the requests a KubeConfig authenticates. Production
 * code builds clients with `kubeClientFromEnv` and never sees a KubeConfig.
 */
export { loadKubeConfig } from './kubeconfig.js';
