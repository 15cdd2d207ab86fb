/**
 * "Did you mean" for mistyped commands and options: the closest known name by edit distance, when it is
 * close enough to be what the user meant.
 */

/**
 * The Damerau-Levenshtein distance (optimal string alignment) between two strings: insertions, deletions,
 * substitutions and swaps of two neighbouring characters each count one.
 *
 * @example
 * editDistance('adit', 'audit'); // 1
 * editDistance('cleanpu', 'cleanup'); // 1 (a swap)
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name closest to `input`, or undefined when none is close: at most a third of the longer
 * name's characters differ (and at least one may), as git and gh judge it. Case is ignored; a known
 * name that starts with the input (`enf` for `enforce`) also counts.
 *
 * @example
 * suggest('adit', ['audit', 'cleanup']); // 'audit'
 * suggest('--colour', ['--check', '--format']); // undefined
 */
export function suggest(input: string, known: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(needle, name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (best && best.distance <= Math.max(1, Math.floor(Math.max(needle.length, best.name.length) / 3))) return best.name;
  const prefixed = known.filter((name) => needle.length >= 3 && name.toLowerCase().startsWith(needle));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** `did you mean "audit"?`, or '' when nothing is close. */
export function didYouMean(input: string, known: readonly string[]): string {
  const match = suggest(input, known);
  return match === undefined ? '' : `did you mean "${match}"?`;
}
