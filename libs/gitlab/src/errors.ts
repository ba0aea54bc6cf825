/** Closed set of reasons a `@sluice/gitlab` call can throw for. Expected outcomes are values, not errors. */
export type GitlabErrorCode =
  /** Options given to a constructor or factory cannot work; the message says how to fix them. */
  | 'invalid_config'
  /** GitLab answered 2xx with a body that does not have the documented shape. */
  | 'unexpected_response';

/**
 * The one error type this library throws. `cause` is kept, except for values
 * that could carry credentials (gitbeaker errors hold the `Request`, whose
 * headers include the token).
 */
export class GitlabError extends Error {
  override readonly name = 'GitlabError';

  constructor(
    readonly code: GitlabErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
