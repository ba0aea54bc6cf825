/** Closed set of reasons telemetry setup can fail. */
export type TelemetryErrorCode =
  /** An `OTEL_*` variable holds a value this service cannot honour. */
  | 'invalid_env';

/**
 * Raised by {@link startTelemetry} when the `OTEL_*` environment is wrong.
 * The message names the variable so an operator can fix the Deployment.
 */
export class TelemetryError extends Error {
  override readonly name = 'TelemetryError';

  constructor(
    readonly code: TelemetryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
