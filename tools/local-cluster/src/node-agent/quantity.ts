/**
 * Kubernetes resource quantities ("500m", "128Mi", "1.5", "2e3", "1G") as
 * plain numbers in base units (cores, bytes, count).
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E))?$/;

/** Parses a quantity; throws on malformed input (the apiserver has validated it already). */
export function parseQuantity(value: string | number): number {
  if (typeof value === 'number') return value;
  const m = QUANTITY.exec(value.trim());
  if (!m) throw new Error(`invalid quantity "${value}"`);
  const n = Number(m[1]);
  if (m[2]) return n * BINARY[m[2]]!;
  if (m[3]) return n * 10 ** Number(m[3].slice(1));
  return n * DECIMAL[m[4] ?? '']!;
}

/** CPU in millicores, rounded up like the scheduler does. */
export function toMilli(value: string | number): number {
  return Math.ceil(Math.round(parseQuantity(value) * 1e9) / 1e6);
}

/** A resource amount in the unit the scheduler compares it in: millicores for cpu, base units otherwise. */
export function resourceAmount(resource: string, value: string | number): number {
  return resource === 'cpu' ? toMilli(value) : Math.ceil(parseQuantity(value));
}
