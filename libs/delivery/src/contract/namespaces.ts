/** Default namespace of Applications and Deliveries (`SLUICE_NAMESPACE` of every service). */
export const DEFAULT_NAMESPACE = 'sluice-system';

/** Default namespace of the test Jobs (the test runner's `SLUICE_TEST_NAMESPACE`). */
export const DEFAULT_TEST_NAMESPACE = 'sluice-test';

/** Default namespace of the build Jobs (the test runner's `SLUICE_BUILD_NAMESPACE`). */
export const DEFAULT_BUILD_NAMESPACE = 'sluice-build';
