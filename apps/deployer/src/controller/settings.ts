/** Plain-data settings of the deployer controller (see `config.ts` for the variables and defaults). */
export interface DeployerSettings {
  /** Namespace of Applications, Deliveries and Leases. */
  readonly namespace: string;
  /** Namespaces of the targets; `undefined`: all (label-selected). */
  readonly targetNamespaces: readonly string[] | undefined;
  /** Lease holder identity. */
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly minReadySeconds: number;
  readonly failedScaleDownDelayMs: number;
  readonly prePromotionCheck: boolean;
  /** Environments handled at once. */
  readonly workers: number;
}
