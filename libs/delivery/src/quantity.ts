const MULTIPLIERS: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * The numeric value of a Kubernetes quantity (`500m` → 0.5, `1Gi` → 1073741824),
 * or `undefined` when it is not one. Precise enough to compare requests with limits.
 */
export function quantityValue(quantity: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(quantity);
  if (match === null) return undefined;
  const multiplier = MULTIPLIERS[match[2] ?? ''];
  return multiplier === undefined ? undefined : Number(match[1]) * multiplier;
}
