/**
 * The fixed build scripts of the build Job. Like the test Job's scripts they
 * are constants: the SHA, URLs, paths and build arguments reach them only as
 * environment variables, never as text.
 */
import { TERMINATION_MESSAGE_PATH } from './test-job-scripts.js';

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
  `test -f "$DOCKERFILE" || { printf 'build failed: no Dockerfile at %s\\n' "$DOCKERFILE" > ${TERMINATION_MESSAGE_PATH}; exit 1; }`,
  'tar -czf /tmp/artifact.tar.gz --exclude=.git .',
  `digest="sha256:$(sha256sum /tmp/artifact.tar.gz | cut -d' ' -f1)"`,
  'umask 077',
  `printf 'user = "%s:%s"\\n' "$(cat "$REGISTRY_CREDENTIALS_DIR/username")" "$(cat "$REGISTRY_CREDENTIALS_DIR/password")" > /tmp/curl.conf`,
  `curl --fail --silent --show-error -K /tmp/curl.conf -H "X-Sluice-Image: $IMAGE" -H "X-Sluice-Digest: $digest" -T /tmp/artifact.tar.gz "$ARTIFACT_URL" || { printf 'build failed: upload to the artifact registry failed\\n' > ${TERMINATION_MESSAGE_PATH}; exit 1; }`,
  `printf 'built %s %s\\n' "$IMAGE" "$digest" > ${TERMINATION_MESSAGE_PATH}`,
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
  `if [ "$code" -ne 0 ]; then printf 'build failed: buildctl exited %s (see the log)\\n' "$code" > ${TERMINATION_MESSAGE_PATH}; exit "$code"; fi`,
  `printf 'built %s %s\\n' "$IMAGE" "$(sed -n 's/.*"containerimage.digest": *"\\([^"]*\\)".*/\\1/p' /tmp/metadata.json)" > ${TERMINATION_MESSAGE_PATH}`,
].join('\n');
