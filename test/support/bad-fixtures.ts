import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the corpus of malformed inputs lives; see its README.md for the format. */
export const BAD_FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures', 'bad');

/** One malformed input and what must be said about it. */
export interface BadFixture {
  /** `<target>/<name>`, for test titles. */
  id: string;
  /** What is wrong with it, in words. */
  about: string;
  /** A handler name (`on-push`, `audit`, ...) or `policy`. */
  target: string;
  /** Fragments the error message must contain: the field path, and the problem where it helps. */
  expect: string[];
  /** The event or the policy data, as parsed JSON (`$repeat` expanded). */
  input?: unknown;
  /** A policy file's raw text (for text that is not valid JSON or YAML, or not a mapping). */
  text?: string;
  /** The format of `text`. */
  format?: 'json' | 'yaml';
}

/** `{ "$repeat": "ab", "times": 3 }` -> `"ababab"`, anywhere in the input: oversized strings stay readable in the files. */
function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (value && typeof value === 'object') {
    const { $repeat, times } = value as { $repeat?: unknown; times?: unknown };
    if (typeof $repeat === 'string' && typeof times === 'number') return $repeat.repeat(times);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v)]));
  }
  return value;
}

/**
 * Every fixture of the corpus, or those of one target, sorted by id.
 *
 * @example
 * it.each(badFixtures('on-push'))('$id: $about', async (fixture) => { ... });
 */
export function badFixtures(target?: string): BadFixture[] {
  const fixtures: BadFixture[] = [];
  for (const dir of readdirSync(BAD_FIXTURES_DIR, { withFileTypes: true })) {
    if (!dir.isDirectory() || (target !== undefined && dir.name !== target)) continue;
    for (const file of readdirSync(join(BAD_FIXTURES_DIR, dir.name)).filter((f) => f.endsWith('.json'))) {
      const raw = JSON.parse(readFileSync(join(BAD_FIXTURES_DIR, dir.name, file), 'utf8')) as Omit<BadFixture, 'id'>;
      fixtures.push({ ...raw, id: `${dir.name}/${file.replace(/\.json$/, '')}`, ...('input' in raw ? { input: expand(raw.input) } : {}) });
    }
  }
  return fixtures.sort((a, b) => a.id.localeCompare(b.id));
}

/** A policy fixture as the text of a file, and the extension that file needs. */
export function policyText(fixture: BadFixture): { text: string; extension: '.json' | '.yaml' } {
  if (fixture.text !== undefined) return { text: fixture.text, extension: fixture.format === 'yaml' ? '.yaml' : '.json' };
  return { text: JSON.stringify(fixture.input), extension: '.json' };
}
