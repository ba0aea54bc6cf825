/** Closed set of {@link TestRunnerError} codes. */
export type TestRunnerErrorCode = 'InvalidConfig';

/** A failure inside the test-runner that is not a Kubernetes API error (those are `KubeError`s). */
export class TestRunnerError extends Error {
  override readonly name = 'TestRunnerError';
  readonly code: TestRunnerErrorCode;

  constructor(code: TestRunnerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
