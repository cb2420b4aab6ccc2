/** Small numeric helpers shared by the load generator, the SSE client and the report. */

/** The p-th percentile of an ascending list (nearest rank); 0 for an empty list. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Milliseconds with a precision that suits their size. */
export function ms(v: number): string {
  if (v >= 100) return `${Math.round(v)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function bytes(v: number): string {
  if (Math.abs(v) >= 10 * 1024) return `${(v / 1024).toFixed(1)} KiB`;
  return `${Math.round(v)} B`;
}

export function rate(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
}

export function ratio(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  return v >= 10 ? `${v.toFixed(1)}x` : `${v.toFixed(2)}x`;
}
