import type { Application, Delivery } from '@sluice/delivery';
import { TEST_JOB_CONTAINERS, testJob } from '@sluice/manifests';
import type { RunnerSettings } from '../controller/settings.js';
import { jobLabels, jobName } from './names.js';
import type { Job } from './types.js';
import { JUNIT_AWK, TEST_WRAPPER_SCRIPT } from './scripts.js';

/**
 * The hardened test Job of `delivery` (see the manifests lib's `testJob`):
 * clone exactly `spec.checkoutSha`, install, test, in the Application's
 * image with its commands. The runner adds one thing: after the tests, the
 * JUnit report (when the Application names one) is summarised into the
 * test container's termination message, where the runner reads it.
 */
export function buildTestJob(delivery: Delivery, application: Application, settings: RunnerSettings): Job {
  const test = application.spec.test;
  const job = testJob({
    name: jobName(delivery.metadata.name, 'test'),
    namespace: settings.testNamespace,
    labels: jobLabels(delivery, 'test'),
    image: test.image,
    installCommands: test.install,
    testCommands: test.commands,
    repositoryUrl: delivery.spec.repositoryUrl,
    sha: delivery.spec.checkoutSha,
    gitCredentialsSecret: settings.gitCredentialsSecret,
    cloneImage: settings.cloneImage,
    resources: test.resources,
    activeDeadlineSeconds: test.timeoutSeconds,
    ttlSecondsAfterFinished: settings.jobTtlSeconds,
    backoffLimit: settings.backoffLimit,
  });
  return withJUnitSummary(job, test.reportPath);
}

/** Wraps the `test` container's step script so the JUnit summary follows its result line. */
function withJUnitSummary(job: Job, reportPath: string | undefined): Job {
  if (reportPath === undefined) return job;
  const spec = job.spec;
  const pod = spec?.template.spec;
  const container = pod?.containers.find((c) => c.name === TEST_JOB_CONTAINERS.test);
  const [shell, flag, stepScript, ...args] = container?.command ?? [];
  if (!spec || !pod || !container || shell === undefined || flag !== '-c' || stepScript === undefined) {
    // The manifests lib changed shape; failing loudly beats a silently missing summary.
    throw new Error('testJob() no longer runs the test step as `/bin/sh -c SCRIPT NAME CMD...`; update withJUnitSummary');
  }
  const wrapped = {
    ...container,
    command: [shell, flag, TEST_WRAPPER_SCRIPT, ...args],
    env: [
      ...(container.env ?? []),
      { name: 'SLUICE_STEP_SCRIPT', value: stepScript },
      { name: 'SLUICE_JUNIT_AWK', value: JUNIT_AWK },
      { name: 'SLUICE_JUNIT_REPORT', value: reportPath },
    ],
  };
  return {
    ...job,
    spec: {
      ...spec,
      template: { ...spec.template, spec: { ...pod, containers: pod.containers.map((c) => (c === container ? wrapped : c)) } },
    },
  };
}
