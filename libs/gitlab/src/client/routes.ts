/**
 * What each GitLab REST request {@link GitlabClient} sends is for, so that a
 * caller observing the requests below the client (a traced fetch dispatcher)
 * can name them without knowing GitLab's API paths. Kept next to the client:
 * a method that calls a new endpoint adds its route here (the client's tests
 * fail otherwise).
 */

/** What Sluice calls GitLab for (`sluice.gitlab.operation`); `other` for a request that is none of them. */
export const GITLAB_OPERATIONS = ['status', 'deployment', 'environment', 'note', 'other'] as const;
export type GitlabOperation = (typeof GITLAB_OPERATIONS)[number];

/** A GitLab request, named: its operation and, when it is one of the client's endpoints, the path template (`url.template`). */
export interface GitlabRequestDescription {
  readonly operation: GitlabOperation;
  /** E.g. `/api/v4/projects/{id}/statuses/{sha}`; absent for an `other` request (its raw path would be unbounded). */
  readonly urlTemplate?: string;
}

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly urlTemplate: string;
  readonly operation: Exclude<GitlabOperation, 'other'>;
}

const route = (method: string, urlTemplate: string, operation: Route['operation']): Route => ({
  method,
  urlTemplate,
  operation,
  // `{param}` matches one path segment; the API may sit under a path prefix (a relative-URL GitLab).
  pattern: new RegExp(`${urlTemplate.replace(/\{[a-z_]+\}/g, '[^/]+')}$`),
});

/** Every endpoint the client calls (see the methods of `GitlabClient`). */
const ROUTES: readonly Route[] = [
  route('POST', '/api/v4/projects/{id}/statuses/{sha}', 'status'),
  route('GET', '/api/v4/projects/{id}/repository/commits/{sha}/statuses', 'status'),
  route('GET', '/api/v4/projects/{id}/deployments', 'deployment'),
  route('POST', '/api/v4/projects/{id}/deployments', 'deployment'),
  route('PUT', '/api/v4/projects/{id}/deployments/{deployment_id}', 'deployment'),
  route('GET', '/api/v4/projects/{id}/environments', 'environment'),
  route('POST', '/api/v4/projects/{id}/environments', 'environment'),
  route('PUT', '/api/v4/projects/{id}/environments/{environment_id}', 'environment'),
  route('GET', '/api/v4/projects/{id}/merge_requests/{merge_request_iid}/notes', 'note'),
  route('POST', '/api/v4/projects/{id}/merge_requests/{merge_request_iid}/notes', 'note'),
  route('GET', '/api/v4/projects/{id}/repository/commits/{sha}/comments', 'note'),
  route('POST', '/api/v4/projects/{id}/repository/commits/{sha}/comments', 'note'),
];

/**
 * Names a GitLab request by `method` and `path` (a query string is ignored):
 * the operation and URL template of the client endpoint it is, else
 * operation `other` without a template.
 */
export function describeGitlabRequest(method: string, path: string): GitlabRequestDescription {
  const upper = method.toUpperCase();
  const bare = path.split('?', 1)[0] ?? '';
  const found = ROUTES.find((r) => r.method === upper && r.pattern.test(bare));
  return found ? { operation: found.operation, urlTemplate: found.urlTemplate } : { operation: 'other' };
}
