/** Closed set of reasons the service shell can fail. */
export type ServiceErrorCode =
  /** Two readiness checks were registered under one name. */
  | 'duplicate_check'
  /** The HTTP server could not bind its host and port (in use, not permitted). */
  | 'listen_failed';

/** Raised by the service shell; `cause` keeps the underlying error. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';

  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
