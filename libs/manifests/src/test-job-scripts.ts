/**
 * The fixed shell scripts of the test Job. They are constants: nothing from a
 * webhook (SHA, URL, ref) is ever pasted into them. The clone script reads
 * the URL and SHA from environment variables; the step script receives the
 * Application's commands as positional arguments.
 */

/**
 * Container names of the test Job, in the order they run. The runner tells
 * failures apart by *which container* terminated non-zero, never by exit
 * code alone (a test suite may exit with any code):
 *
 * - `clone` (init) fails → `CloneFailed`; the Job retries it (network flakes)
 *   up to `backoffLimit`.
 * - `install` (init, only when there are install commands) fails →
 *   `DependencyInstallFailed`; the Job fails at once.
 * - `test` fails → `TestsFailed` (or `OOMKilled` when the container state
 *   says so); the Job fails at once.
 *
 * Each container writes a one-line summary to its termination message;
 * `clone` leaves git's own error there via `FallbackToLogsOnError`.
 */
export const TEST_JOB_CONTAINERS = Object.freeze({ clone: 'clone', install: 'install', test: 'test' } as const);

/** Where the repository is checked out; a sub-directory the pod's user creates, so git trusts its owner. */
export const WORKDIR = '/workspace/src';
/** Mount point of the Git credentials Secret (keys `username` and `password`, as in a `kubernetes.io/basic-auth` Secret). */
export const GIT_CREDENTIALS_DIR = '/var/run/sluice/git-credentials';
/** The file each container writes its summary to. */
export const TERMINATION_MESSAGE_PATH = '/dev/termination-log';

/** Environment variable carrying the commit SHA into the clone container. */
export const SHA_ENV = 'SHA';
/** Environment variable carrying the repository URL into the clone container. */
export const REPO_URL_ENV = 'REPO_URL';
/** Environment variable carrying the full ref the commit must be on (`refs/heads/main`, `refs/merge-requests/7/head`) into the clone container. */
export const FETCH_REF_ENV = 'FETCH_REF';
/**
 * Environment variable carrying the only URL (`scheme://host[:port]`, the
 * Git host) the clone step gives the credentials to; unset: to none.
 */
export const GIT_HOST_ENV = 'GIT_HOST_URL';
/**
 * Exit code of `clone` when the commit is not in the history of the pushed
 * ref (or the ref does not exist): `RefMismatch`, never retried — the
 * repository says no, a second try says no again.
 */
export const REF_MISMATCH_EXIT_CODE = 3;
/** How many commits of the ref's history the first look fetches; a commit further back costs one more fetch of the whole (commit-only) history. */
export const REF_HISTORY_DEPTH = 100;

/**
 * Clones exactly `$SHA`, and only when it is on `$FETCH_REF`:
 *
 * 1. In a scratch repository, fetch the ref's history as commits only
 *    (`--filter=tree:0`: no trees, no blobs), its last
 *    {@link REF_HISTORY_DEPTH} commits first and the whole history only when
 *    the SHA is not among them; `$SHA` must be one of them. If not (or the
 *    ref does not exist), the termination message says which commit and
 *    which ref and the step exits {@link REF_MISMATCH_EXIT_CODE}. A server
 *    without partial-clone support ignores the filter (git warns); the depth
 *    still bounds the first fetch.
 * 2. In the workspace, an empty repository, a shallow fetch of that one
 *    commit, a detached checkout, then a check that HEAD is what was asked for.
 *
 * Credentials: `credential.helper=` first clears any helper from the image
 * or host (so the token is never stored); the next helper is URL-scoped
 * (`credential.<$GIT_HOST_URL>.helper`), so git asks it only for that
 * scheme, host and port: a repository anywhere else gets no credential (nor
 * does a redirect to another host). It reads the mounted files only when git
 * asks, so the token never appears in env, argv or logs. The script is a
 * constant: the SHA, ref and URLs arrive as environment variables.
 */
export const CLONE_SCRIPT = [
  'set -eu',
  `helper='!f() { test "$1" = get || exit 0; printf "username=%s\\npassword=%s\\n" "$(cat ${GIT_CREDENTIALS_DIR}/username)" "$(cat ${GIT_CREDENTIALS_DIR}/password)"; }; f'`,
  'g() {',
  `  if [ -n "\${${GIT_HOST_ENV}:-}" ]; then git -c credential.helper= -c "credential.$${GIT_HOST_ENV}.helper=$helper" "$@"; else git -c credential.helper= "$@"; fi`,
  '}',
  'mismatch() {',
  `  printf 'ref mismatch: %s\\n' "$1" > ${TERMINATION_MESSAGE_PATH}`,
  `  printf 'ref mismatch: %s\\n' "$1" >&2`,
  `  exit ${REF_MISMATCH_EXIT_CODE}`,
  '}',
  'hist="$(mktemp -d)"',
  'git init --quiet --bare "$hist"',
  `git -C "$hist" remote add origin "$${REPO_URL_ENV}"`,
  `fetch_ref() { g -C "$hist" fetch --quiet --no-tags --filter=tree:0 "$@" origin "+$${FETCH_REF_ENV}:refs/sluice/pushed"; }`,
  `on_ref() { git -C "$hist" rev-list refs/sluice/pushed | grep -qx "$${SHA_ENV}"; }`,
  'code=0',
  `fetch_ref --depth ${REF_HISTORY_DEPTH} || code=$?`,
  'if [ "$code" -ne 0 ]; then',
  '  listed=0',
  `  g -C "$hist" ls-remote --exit-code origin "$${FETCH_REF_ENV}" > /dev/null || listed=$?`,
  `  if [ "$listed" -eq 2 ]; then mismatch "$${FETCH_REF_ENV} does not exist in $${REPO_URL_ENV}"; fi`,
  '  exit "$code"',
  'fi',
  'if ! on_ref && [ -f "$hist/shallow" ]; then fetch_ref --unshallow; fi',
  `on_ref || mismatch "commit $${SHA_ENV} is not in the history of $${FETCH_REF_ENV} of $${REPO_URL_ENV}"`,
  'rm -rf "$hist"',
  `mkdir -p ${WORKDIR}`,
  `cd ${WORKDIR}`,
  'git init --quiet .',
  `git remote add origin "$${REPO_URL_ENV}"`,
  `g fetch --quiet --no-tags --depth 1 origin "$${SHA_ENV}"`,
  'git checkout --quiet --detach FETCH_HEAD',
  `test "$(git rev-parse HEAD)" = "$${SHA_ENV}"`,
  `printf 'cloned %s\\n' "$${SHA_ENV}" > ${TERMINATION_MESSAGE_PATH}`,
].join('\n');

/**
 * Runs `"$@"` one command at a time with `sh -e`, stopping at the first
 * failure (fail-fast) and exiting with that command's own code. `$0` is the
 * step name (`install` or `test`) used in the summary.
 */
export const STEP_SCRIPT = [
  'set -eu',
  'step="$0"',
  'total=$#',
  'n=0',
  'for cmd in "$@"; do',
  '  n=$((n + 1))',
  `  printf '==> %s %d/%d: %s\\n' "$step" "$n" "$total" "$cmd"`,
  '  code=0',
  '  sh -e -c "$cmd" || code=$?',
  '  if [ "$code" -ne 0 ]; then',
  `    printf '%s failed: command %d/%d exited %d: %.200s\\n' "$step" "$n" "$total" "$code" "$cmd" > ${TERMINATION_MESSAGE_PATH}`,
  '    exit "$code"',
  '  fi',
  'done',
  `printf '%s passed: %d command(s)\\n' "$step" "$total" > ${TERMINATION_MESSAGE_PATH}`,
].join('\n');
