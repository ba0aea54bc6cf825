/**
 * Why a builder refused its input. The set is closed so callers (and tests)
 * can branch on it; the message always says how to fix the input.
 */
export type ManifestErrorCode =
  /** A name or namespace is not a valid DNS-1123 label/subdomain. */
  | 'InvalidName'
  /** A label key or value is malformed, or tries to override a label the builder owns. */
  | 'InvalidLabel'
  /** A resource quantity (`cpu`, `memory`, …) does not parse or is negative. */
  | 'InvalidQuantity'
  /** A limit is below its request. */
  | 'LimitBelowRequest'
  /** A commit SHA is not 40 lowercase hex characters. */
  | 'InvalidSha'
  /** A repository URL is not http(s), or carries credentials. */
  | 'InvalidRepositoryUrl'
  /** A ref to fetch is not a full branch, tag or merge-request ref. */
  | 'InvalidRef'
  /** A container image reference is empty or contains whitespace. */
  | 'InvalidImage'
  /** A command list is empty or holds an empty command. */
  | 'InvalidCommand'
  /** A count, duration or port is out of range or not an integer. */
  | 'InvalidNumber'
  /** A CIDR does not parse, is a catch-all, or overlaps cluster-internal ranges. */
  | 'InvalidCidr'
  /** An HTTP probe path does not start with `/`. */
  | 'InvalidProbe'
  /** An Ingress path list is empty, repeats a path, or holds a path that is not a plain `/…` path. */
  | 'InvalidIngressPath'
  /** Two namespace roles share a namespace (e.g. the test namespace is also production). */
  | 'NamespaceConflict'
  /** A value outside a closed set (service, color, pod security level, …). */
  | 'UnknownValue'
  /** A JSON Schema cannot be expressed as a Kubernetes structural schema. */
  | 'UnsupportedSchema';

/**
 * The one error type of `@sluice/manifests`. Builders are pure, so the only
 * failure is bad input; `builder` names the function that refused it.
 */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  readonly code: ManifestErrorCode;
  readonly builder: string;

  constructor(code: ManifestErrorCode, builder: string, message: string, options?: { cause?: unknown }) {
    super(`${builder}: ${message}`, options);
    this.code = code;
    this.builder = builder;
  }
}
