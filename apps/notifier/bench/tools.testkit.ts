/**
 * The test tools the benchmark runs on (the local control plane and the
 * GitLab stand-in). Kept in a testkit: apps may use tools only from test code.
 */
export { startCluster } from '@sluice/local-cluster';
export { startGitlabStandIn, type GitlabStandIn } from '@sluice/gitlab-stand-in';
