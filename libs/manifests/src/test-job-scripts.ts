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

/**
 * Clones exactly `$SHA`: an empty repository, a shallow fetch of that one
 * commit, a detached checkout, then a check that HEAD is what was asked for.
 * `credential.helper=` first clears any helper from the image (so the token
 * is never stored); the next helper reads the mounted files only when git
 * asks, so the token never appears in env, argv or logs.
 */
export const CLONE_SCRIPT = [
  'set -eu',
  `mkdir -p ${WORKDIR}`,
  `cd ${WORKDIR}`,
  'git init --quiet .',
  `git remote add origin "$${REPO_URL_ENV}"`,
  `git -c credential.helper= -c credential.helper='!f() { test "$1" = get || exit 0; printf "username=%s\\npassword=%s\\n" "$(cat ${GIT_CREDENTIALS_DIR}/username)" "$(cat ${GIT_CREDENTIALS_DIR}/password)"; }; f' fetch --quiet --no-tags --depth 1 origin "$${SHA_ENV}"`,
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
