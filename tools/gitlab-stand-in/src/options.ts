import { z } from 'zod';

const projectSchema = z.object({
  /** Numeric project id. */
  id: z.number().int().positive(),
  /** `path_with_namespace`; also accepted URL-encoded in place of the id. */
  path: z.string().regex(/^[\w.-]+(\/[\w.-]+)+$/, 'path must look like group/project'),
  /** Used as `ref` when a status is posted without one. Default `main`. */
  defaultBranch: z.string().min(1).default('main'),
  /**
   * Commits that exist. When given, any other SHA answers `404 Commit Not
   * Found`; when omitted, any full 40-hex SHA is taken to exist.
   */
  commits: z.array(z.string().regex(/^[0-9a-f]{40}$/)).optional(),
});

const userSchema = z.object({
  id: z.number().int().positive().default(1),
  username: z.string().min(1).default('sluice-bot'),
  name: z.string().min(1).default('Sluice Bot'),
});

export const standInOptionsSchema = z.object({
  /** Port to listen on; 0 (default) picks a free one. */
  port: z.number().int().min(0).max(65535).default(0),
  /** Interface to bind. Default loopback. */
  hostname: z.string().default('127.0.0.1'),
  /** The one access token accepted in `PRIVATE-TOKEN` (or `Authorization: Bearer`). */
  token: z.string().min(1),
  projects: z.array(projectSchema).min(1),
  /** The user the token belongs to, shown as status/note author. */
  user: userSchema.default({ id: 1, username: 'sluice-bot', name: 'Sluice Bot' }),
  /** Serve HTTPS with this key and certificate (PEM), to exercise custom CAs. */
  tls: z.object({ key: z.string().min(1), cert: z.string().min(1) }).optional(),
  /** Clock for timestamps in answers and records. */
  now: z.custom<() => Date>((value) => typeof value === 'function').optional(),
});

/** Options of `startGitlabStandIn`. */
export type StandInOptions = z.input<typeof standInOptionsSchema>;
/** Options after defaults; what the app works with. */
export type ResolvedStandInOptions = z.output<typeof standInOptionsSchema>;
/** One project the stand-in knows. */
export type StandInProject = ResolvedStandInOptions['projects'][number];
/** The token's user. */
export type StandInUser = ResolvedStandInOptions['user'];

/** Parses options once at the edge; throws a readable error when they cannot work. */
export function resolveOptions(options: StandInOptions): ResolvedStandInOptions {
  const result = standInOptionsSchema.safeParse(options);
  if (!result.success) throw new Error(`invalid GitLab stand-in options: ${z.prettifyError(result.error)}`);
  const ids = new Set(result.data.projects.map((p) => p.id));
  if (ids.size !== result.data.projects.length) throw new Error('invalid GitLab stand-in options: project ids must be unique');
  return result.data;
}
