import type { Application, Delivery } from '@sluice/delivery';
import { testJob } from '@sluice/manifests';
import type { RunnerSettings } from '../controller/settings.js';
import { checkoutOf } from './checkout.js';
import { jobLabels, jobName } from './names.js';
import type { Job } from './types.js';

/**
 * The hardened test Job of `delivery` (see the manifests lib's `testJob`):
 * clone exactly `spec.checkoutSha` once it is found on the pushed ref (see
 * {@link checkoutOf}), install, test, in the Application's
 * image with its commands; when the Application names a JUnit report, its
 * summary follows the test step's result in the termination message, where
 * the runner reads it.
 */
export function buildTestJob(delivery: Delivery, application: Application, settings: RunnerSettings): Job {
  const test = application.spec.test;
  return testJob({
    name: jobName(delivery.metadata.name, 'test'),
    namespace: settings.testNamespace,
    labels: jobLabels(delivery, 'test'),
    image: test.image,
    installCommands: test.install,
    testCommands: test.commands,
    ...(test.reportPath !== undefined && { junitReportPath: test.reportPath }),
    ...checkoutOf(delivery, application, settings),
    resources: test.resources,
    activeDeadlineSeconds: test.timeoutSeconds,
    ttlSecondsAfterFinished: settings.jobTtlSeconds,
    backoffLimit: settings.backoffLimit,
  });
}
