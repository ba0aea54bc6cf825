/**
 * GitLab Push Hooks for the sample repository, signed as GitLab signs them
 * (`X-Gitlab-Token` plus the Standard Webhooks signature), and sent to the
 * gateway the way GitLab retries: the same `Idempotency-Key` again after a
 * 5xx or a network error.
 */
import { randomUUID } from 'node:crypto';
import { signedWebhookHeaders, type WebhookSecrets } from '@sluice/gitlab/testing';
import type { SampleCommit } from './sample-repo.js';

/** The GitLab project a branch is delivered through. */
export interface HookProject {
  readonly id: number;
  readonly path: string;
  readonly gitlabUrl: string;
  readonly httpUrl: string;
}

/** A Push Hook body (`lib/gitlab/data_builder/push.rb`'s shape) for one commit pushed onto its parent. */
export function pushHook(project: HookProject, commit: SampleCommit, before: string): Record<string, unknown> {
  const webUrl = `${project.gitlabUrl.replace(/\/+$/, '')}/${project.path}`;
  const name = project.path.split('/').at(-1) ?? project.path;
  const sshUrl = `git@gitlab.example.test:${project.path}.git`;
  return {
    object_kind: 'push',
    event_name: 'push',
    before,
    after: commit.sha,
    ref: `refs/heads/${commit.branch}`,
    ref_protected: false,
    checkout_sha: commit.sha,
    message: null,
    user_id: 7,
    user_name: 'Fault Tester',
    user_username: 'faults',
    user_email: '',
    user_avatar: null,
    project_id: project.id,
    project: {
      id: project.id,
      name,
      description: 'The sample app of the fault run',
      web_url: webUrl,
      avatar_url: null,
      git_ssh_url: sshUrl,
      git_http_url: project.httpUrl,
      namespace: project.path.split('/')[0],
      visibility_level: 0,
      path_with_namespace: project.path,
      default_branch: 'main',
      homepage: webUrl,
      url: sshUrl,
      ssh_url: sshUrl,
      http_url: project.httpUrl,
    },
    commits: [
      {
        id: commit.sha,
        message: `${commit.message}\n`,
        title: commit.message,
        timestamp: commit.timestamp,
        url: `${webUrl}/-/commit/${commit.sha}`,
        author: { name: 'Fault Tester', email: 'faults@example.com' },
        added: [],
        modified: ['KIND', 'REVISION'],
        removed: [],
      },
    ],
    total_commits_count: 1,
    push_options: {},
    repository: { name, url: sshUrl, description: '', homepage: webUrl, git_http_url: project.httpUrl, git_ssh_url: sshUrl, visibility_level: 0 },
  };
}

/** How the gateway answered a push, after GitLab-like retries. */
export interface HookAnswer {
  readonly status: number;
  readonly delivery?: string;
  readonly outcome?: string;
  readonly attempts: number;
  readonly detail?: string;
}

/**
 * POSTs the hook to one of `gateways` (round robin by attempt); a 5xx or a
 * network error is retried with the same id (GitLab's behaviour) up to 5
 * times, 500 ms apart. A retry after a lost answer is answered `duplicate`,
 * which still names the Delivery.
 */
export async function sendPushHook(gateways: () => readonly string[], payload: unknown, secrets: WebhookSecrets, instance: string): Promise<HookAnswer> {
  const body = JSON.stringify(payload);
  const id = randomUUID();
  let last: HookAnswer = { status: 0, attempts: 0 };
  for (let attempt = 1; attempt <= 6; attempt++) {
    const urls = gateways();
    const url = urls[(attempt - 1) % Math.max(1, urls.length)];
    try {
      if (!url) throw new Error('no gateway');
      // A fresh signature per attempt (its timestamp), the same id: what GitLab does.
      const res = await fetch(`${url}/webhooks/gitlab`, { method: 'POST', headers: signedWebhookHeaders(body, secrets, { event: 'Push Hook', instance, id }), body, signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      let parsed: { status?: string; delivery?: string } = {};
      try {
        parsed = JSON.parse(text) as typeof parsed;
      } catch {
        /* not JSON */
      }
      last = { status: res.status, attempts: attempt, ...(parsed.delivery !== undefined && { delivery: parsed.delivery }), ...(parsed.status !== undefined && { outcome: parsed.status }), detail: text.slice(0, 300) };
      if (res.status < 500) return last;
    } catch (error) {
      last = { status: 0, attempts: attempt, detail: error instanceof Error ? error.message : String(error) };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return last;
}
