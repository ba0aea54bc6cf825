import type { Application, Delivery } from '@sluice/delivery';
import { imageFor } from '@sluice/delivery';
import { BUILD_JOB_CONTAINERS, buildJob, type BuildOutput } from '@sluice/manifests';
import { jobNamespace, type RunnerSettings } from '../controller/settings.js';
import { checkoutOf } from './checkout.js';
import { jobLabels, jobName } from './names.js';
import type { Job } from './types.js';

/** Container name of the build step. */
export const BUILD_CONTAINER = BUILD_JOB_CONTAINERS.build;

/** Where the archive build uploads `<repository>:<sha>`: `<base>/<repository>/<sha>.tar.gz`. */
export function artifactUrl(baseUrl: string, repository: string, sha: string): string {
  return `${baseUrl}/${repository}/${sha}.tar.gz`;
}

/**
 * The build Job of `delivery` (see the manifests lib's `buildJob`): clone
 * exactly `spec.checkoutSha` and turn it into `<repository>:<sha>` in the
 * build namespace, apart from the test pods:
 *
 * - `buildkit`: rootless BuildKit builds the Dockerfile (the Application's
 *   build arguments passed on) and pushes the image with the registry
 *   credentials of `pushSecret` (see `decidePushSecret`: the Application's
 *   own Secret, scoped to its repository); the pushed digest is what the
 *   Delivery records and the deployer runs.
 * - `archive` (the node-agent lane, which runs no containers): packs the
 *   build context into a tarball and uploads it to the artifact registry.
 *
 * The builder image is cluster configuration (`SLUICE_BUILDER_IMAGE`); an
 * Application cannot choose what runs with its push credential.
 */
export function buildBuildJob(delivery: Delivery, application: Application, settings: RunnerSettings, pushSecret: string): Job {
  const spec = application.spec.build;
  const sha = delivery.spec.checkoutSha;
  const output: BuildOutput =
    settings.build.mode === 'archive'
      ? { mode: 'archive', artifactUrl: artifactUrl(settings.build.artifactRegistryUrl ?? '', spec.repository, sha) }
      : { mode: 'buildkit', args: spec.args, plainHttpRegistries: settings.build.plainHttpRegistries };
  return buildJob({
    name: jobName(delivery.metadata.name, 'build'),
    namespace: jobNamespace(settings, 'build'),
    labels: jobLabels(delivery, 'build'),
    builderImage: settings.build.builderImage,
    image: imageFor(spec, sha),
    context: spec.context,
    dockerfile: spec.dockerfile,
    output,
    registryCredentialsSecret: pushSecret,
    resources: spec.resources,
    ...checkoutOf(delivery, application, settings),
    activeDeadlineSeconds: spec.timeoutSeconds,
    ttlSecondsAfterFinished: settings.jobTtlSeconds,
    backoffLimit: settings.backoffLimit,
  });
}
