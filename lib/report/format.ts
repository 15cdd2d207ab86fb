/** `1536` -> `1.5 KiB`: sizes for people; JSON output keeps exact bytes. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** Severity counts as `CRITICAL 1, HIGH 3`, most severe first; `-` when there are none. */
export function formatCounts(counts: Record<string, number>, order: readonly string[]): string {
  const parts = order.filter((k) => (counts[k] ?? 0) > 0).map((k) => `${k} ${counts[k]}`);
  const rest = Object.keys(counts)
    .filter((k) => !order.includes(k) && (counts[k] ?? 0) > 0)
    .map((k) => `${k} ${counts[k]}`);
  const all = [...parts, ...rest];
  return all.length > 0 ? all.join(', ') : '-';
}
