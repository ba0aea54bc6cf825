/**
 * Fixed shell scripts the runner adds to the Jobs. Like the manifests lib's
 * scripts they are constants: the SHA, URLs, paths and commands reach them
 * only as environment variables or positional arguments, never as text.
 */

/** Where every container writes its summary (the manifests lib's `TERMINATION_MESSAGE_PATH`). */
const TERMINATION_LOG = '/dev/termination-log';

/**
 * Summarises a JUnit XML report in POSIX awk (any image with /bin/sh has
 * it): one line `junit total=N failed=N skipped=N`, then up to 10 lines
 * `junit-failure <classname>.<name>` for test cases with a `<failure>` or
 * `<error>`. Names are cut to 200 characters so the whole summary stays far
 * below the 4096-byte termination message limit.
 */
export const JUNIT_AWK = String.raw`
function attr(tag, key,   v) {
  if (match(tag, "[ \t\r\n]" key "=\"[^\"]*\"")) { v = substr(tag, RSTART + length(key) + 3, RLENGTH - length(key) - 4); return v }
  return ""
}
{ doc = doc $0 "\n" }
END {
  total = 0; failed = 0; skipped = 0; shown = 0; out = ""
  s = doc
  while (match(s, /<testcase[ \t\r\n\/>]/)) {
    s = substr(s, RSTART)
    e = index(s, ">")
    if (e == 0) break
    tag = substr(s, 1, e)
    body = ""
    if (substr(tag, e - 1, 1) != "/") {
      c = index(s, "</testcase>")
      body = c == 0 ? substr(s, e + 1) : substr(s, e + 1, c - e - 1)
    }
    total++
    if (body ~ /<(failure|error)[ \t\r\n\/>]/) {
      failed++
      if (shown < 10) {
        n = attr(tag, "name"); k = attr(tag, "classname")
        if (k != "") n = k "." n
        out = out "junit-failure " substr(n, 1, 200) "\n"
        shown++
      }
    } else if (body ~ /<skipped[ \t\r\n\/>]/) skipped++
    s = substr(s, e + 1)
  }
  printf "junit total=%d failed=%d skipped=%d\n%s", total, failed, skipped, out
}`;

/**
 * The test container's command: runs the manifests lib's step script
 * (`$SLUICE_STEP_SCRIPT`, fail-fast, its own exit code and summary line),
 * then appends the JUnit summary of `$SLUICE_JUNIT_REPORT` (relative to the
 * checkout) to the termination message whether the tests passed or not, and
 * exits with the step's code. A missing report is said so, not invented.
 */
export const TEST_WRAPPER_SCRIPT = [
  'code=0',
  '/bin/sh -c "$SLUICE_STEP_SCRIPT" "$0" "$@" || code=$?',
  'if [ -n "${SLUICE_JUNIT_REPORT:-}" ]; then',
  '  if [ -f "$SLUICE_JUNIT_REPORT" ]; then',
  `    awk "$SLUICE_JUNIT_AWK" "$SLUICE_JUNIT_REPORT" >> ${TERMINATION_LOG} || true`,
  '  else',
  `    printf 'junit missing\\n' >> ${TERMINATION_LOG}`,
  '  fi',
  'fi',
  'exit "$code"',
].join('\n');

/**
 * The local (archive) build: packs the build context of the checked-out
 * commit into a gzip tarball (without `.git`), checks the Dockerfile is
 * there, and uploads it with HTTP PUT to `$ARTIFACT_URL`. The registry
 * credentials are read from the mounted Secret into a curl config file in
 * the pod's private /tmp, so they never appear in env, argv or logs.
 */
export const ARCHIVE_BUILD_SCRIPT = [
  'set -eu',
  'cd "$BUILD_CONTEXT"',
  `test -f "$DOCKERFILE" || { printf 'build failed: no Dockerfile at %s\\n' "$DOCKERFILE" > ${TERMINATION_LOG}; exit 1; }`,
  'tar -czf /tmp/artifact.tar.gz --exclude=.git .',
  `digest="sha256:$(sha256sum /tmp/artifact.tar.gz | cut -d' ' -f1)"`,
  'umask 077',
  `printf 'user = "%s:%s"\\n' "$(cat "$REGISTRY_CREDENTIALS_DIR/username")" "$(cat "$REGISTRY_CREDENTIALS_DIR/password")" > /tmp/curl.conf`,
  `curl --fail --silent --show-error -K /tmp/curl.conf -H "X-Sluice-Image: $IMAGE" -H "X-Sluice-Digest: $digest" -T /tmp/artifact.tar.gz "$ARTIFACT_URL" || { printf 'build failed: upload to the artifact registry failed\\n' > ${TERMINATION_LOG}; exit 1; }`,
  `printf 'built %s %s\\n' "$IMAGE" "$digest" > ${TERMINATION_LOG}`,
].join('\n');

/**
 * The BuildKit build: upstream's `buildctl-daemonless.sh` starts a rootless
 * buildkitd (under rootlesskit, its state in `$BUILDKIT_ROOT`, the registries
 * in `$PLAIN_HTTP_REGISTRIES` reached over plain HTTP), builds the Dockerfile
 * from the checkout with one `--opt build-arg:NAME=value` per line of
 * `$BUILD_ARGS`, and pushes `$IMAGE` with `DOCKER_CONFIG` pointing at the
 * mounted registry Secret. The pushed digest, from buildctl's own metadata,
 * goes to the termination message as `built <image> <digest>`.
 */
export const BUILDKIT_BUILD_SCRIPT = [
  'set -eu',
  'export XDG_RUNTIME_DIR=/tmp/run',
  'mkdir -p "$XDG_RUNTIME_DIR" "$BUILDKIT_ROOT"',
  ': > /tmp/buildkitd.toml',
  `for r in $PLAIN_HTTP_REGISTRIES; do printf '[registry."%s"]\\n  http = true\\n' "$r" >> /tmp/buildkitd.toml; done`,
  'export BUILDKITD_FLAGS="--oci-worker-no-process-sandbox --root $BUILDKIT_ROOT --config /tmp/buildkitd.toml"',
  'set --',
  `while IFS= read -r arg; do [ -z "$arg" ] || set -- "$@" --opt "build-arg:$arg"; done <<EOF`,
  '$BUILD_ARGS',
  'EOF',
  'code=0',
  'buildctl-daemonless.sh build --progress=plain --frontend dockerfile.v0 --local context="$BUILD_CONTEXT" --local dockerfile="$(dirname "$DOCKERFILE_PATH")" --opt filename="$(basename "$DOCKERFILE_PATH")" "$@" --output type=image,name="$IMAGE",push=true --metadata-file /tmp/metadata.json || code=$?',
  `if [ "$code" -ne 0 ]; then printf 'build failed: buildctl exited %s (see the log)\\n' "$code" > ${TERMINATION_LOG}; exit "$code"; fi`,
  `printf 'built %s %s\\n' "$IMAGE" "$(sed -n 's/.*"containerimage.digest": *"\\([^"]*\\)".*/\\1/p' /tmp/metadata.json)" > ${TERMINATION_LOG}`,
].join('\n');
