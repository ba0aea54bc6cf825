/**
 * `@sluice/gitlab-stand-in`: a local stand-in for the GitLab REST API calls
 * Sluice makes, behaving as GitLab documents them, for tests and the demo.
 */
export { startGitlabStandIn, type GitlabStandIn } from './server.js';
export { createGitlabStandInApp, type StandInInspector, type StatusFilter } from './app.js';
export type { StandInOptions, StandInProject, StandInUser } from './options.js';
export type { FaultSpec } from './faults.js';
export type { RecordedRequest, StoredCommitComment, StoredDeployment, StoredEnvironment, StoredNote, StoredStatus } from './store.js';
export type { StatusState } from './status-machine.js';
export { startGitServer, type GitCredentials, type GitServer } from './git-http.js';
