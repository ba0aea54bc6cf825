/**
 * `@sluice/gitlab-stand-in`: what GitLab would host, locally, for tests and
 * the demo — the REST API calls Sluice makes, behaving as GitLab documents
 * them; the projects' Git repositories (smart HTTP); and a package registry
 * the archive build uploads to and deployed pods download from.
 */
export { startGitlabStandIn, type GitlabStandIn } from './server.js';
export { createGitlabStandInApp, type StandInInspector, type StatusFilter } from './app.js';
export type { StandInOptions, StandInProject, StandInUser } from './options.js';
export type { FaultSpec } from './faults.js';
export type { RecordedRequest, StoredCommitComment, StoredDeployment, StoredEnvironment, StoredNote, StoredStatus } from './store.js';
export type { StatusState } from './status-machine.js';
export { startGitServer, type GitCredentials, type GitServer } from './git-http.js';
export { startArtifactRegistry, type ArtifactRegistry, type ArtifactRegistryOptions, type RegistryCredentials, type StoredArtifact } from './artifact-registry.js';
export type { ListenOptions } from './listen.js';
