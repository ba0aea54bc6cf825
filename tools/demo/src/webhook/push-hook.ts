import type { CommitInfo, Push } from '../sample-app/repo.js';

/** The GitLab project as the webhook names it. */
export interface HookProject {
  readonly id: number;
  /** `path_with_namespace`, e.g. `demo/sample-app`. */
  readonly path: string;
  readonly name: string;
  /** Base URL of the (stand-in) GitLab instance; the project's web pages live below it. */
  readonly gitlabUrl: string;
  /** The HTTP clone URL (the demo's Git server). */
  readonly httpUrl: string;
}

/** Who pushed. */
export interface HookUser {
  readonly id: number;
  readonly name: string;
  readonly username: string;
  readonly email: string;
}

/**
 * A Push Hook body in the shape GitLab sends (`lib/gitlab/data_builder/push.rb`,
 * as in the gateway's fixtures), filled from a real push: the branch moving
 * from `before` to `after`, with its commits and the files each touched.
 */
export function pushHookPayload(push: Push, project: HookProject, user: HookUser): Record<string, unknown> {
  const webUrl = `${project.gitlabUrl.replace(/\/+$/, '')}/${project.path}`;
  const host = new URL(project.gitlabUrl).hostname;
  const sshUrl = `git@${host}:${project.path}.git`;
  const namespace = project.path.split('/')[0] ?? project.path;
  return {
    object_kind: 'push',
    event_name: 'push',
    before: push.before,
    after: push.after,
    ref: push.ref,
    ref_protected: true,
    checkout_sha: push.after,
    message: null,
    user_id: user.id,
    user_name: user.name,
    user_username: user.username,
    user_email: '',
    user_avatar: null,
    project_id: project.id,
    project: {
      id: project.id,
      name: project.name,
      description: 'The service the Sluice demo delivers',
      web_url: webUrl,
      avatar_url: null,
      git_ssh_url: sshUrl,
      git_http_url: project.httpUrl,
      namespace,
      visibility_level: 0,
      path_with_namespace: project.path,
      default_branch: 'main',
      homepage: webUrl,
      url: sshUrl,
      ssh_url: sshUrl,
      http_url: project.httpUrl,
    },
    commits: push.commits.map((c) => commitEntry(c, webUrl)),
    total_commits_count: push.commits.length,
    push_options: {},
    repository: {
      name: project.name,
      url: sshUrl,
      description: 'The service the Sluice demo delivers',
      homepage: webUrl,
      git_http_url: project.httpUrl,
      git_ssh_url: sshUrl,
      visibility_level: 0,
    },
  };
}

function commitEntry(c: CommitInfo, webUrl: string): Record<string, unknown> {
  return {
    id: c.sha,
    message: c.message,
    title: c.message.split('\n', 1)[0] ?? '',
    timestamp: c.timestamp,
    url: `${webUrl}/-/commit/${c.sha}`,
    author: { name: c.author.name, email: c.author.email },
    added: c.added,
    modified: c.modified,
    removed: c.removed,
  };
}
