import type { Application, Delivery } from '@sluice/delivery';
import { fetchRefOf } from '@sluice/delivery';
import type { RunnerSettings } from '../controller/settings.js';

/** What the test and build Jobs' `clone` step is given (the manifests lib's checkout inputs). */
export interface CheckoutInputs {
  readonly repositoryUrl: string;
  readonly sha: string;
  readonly fetchRef: string;
  readonly gitCredentialsSecret: string;
  readonly gitCredentialsUrl?: string;
  readonly cloneImage: string;
}

/**
 * What both Jobs of `delivery` clone: `spec.checkoutSha`, only when it is on
 * the pushed ref (`fetchRefOf`: the branch, the tag, or for a merge request
 * `refs/merge-requests/<iid>/head`), both fetched from the Application's own
 * repository — never from a URL a webhook carried (a fork's merge request is
 * tested from the target project's MR ref). The Git credentials go to the
 * configured Git host only (`SLUICE_GIT_URL`); unset, they are not mounted.
 */
export function checkoutOf(delivery: Delivery, application: Application, settings: RunnerSettings): CheckoutInputs {
  return {
    repositoryUrl: application.spec.repositoryUrl,
    sha: delivery.spec.checkoutSha,
    fetchRef: fetchRefOf(delivery.spec),
    gitCredentialsSecret: settings.gitCredentialsSecret,
    ...(settings.gitUrl !== undefined && { gitCredentialsUrl: settings.gitUrl }),
    cloneImage: settings.cloneImage,
  };
}
