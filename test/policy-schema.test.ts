import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, parsePolicy } from '../lib/policy';
import { POLICY_SCHEMA_PATH, policySchemaText } from '../scripts/policy-schema';
import { badFixtures } from './support/bad-fixtures';

const POLICY_DIR = join(import.meta.dirname, '..', 'policy');
const schema = JSON.parse(readFileSync(POLICY_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
const examples = readdirSync(POLICY_DIR).filter((f) => f.endsWith('.yaml'));

/** What zod checks and JSON Schema cannot say: editors let these through, `ecr-keeper validate` does not. */
const ONLY_VALIDATE_CATCHES = new Set([
  'policy/exclusion-mode-without-filters',
  // A list file that does not exist is a fact of the machine, not of the document.
  'policy/in-use-missing-list-file',
  'policy/lifecycle-baseline-any-not-last',
  'policy/lifecycle-baseline-missing-count-unit',
  'policy/lifecycle-untagged-days-with-baseline',
  'policy/reserved-source',
]);

describe('the policy JSON Schema', () => {
  it('is up to date with the policy schema in lib/policy.ts (run `npm run schema` when this fails)', () => {
    expect(readFileSync(POLICY_SCHEMA_PATH, 'utf8')).toBe(policySchemaText());
  });

  it('accepts every example policy, each of which names it on its first line for editors', () => {
    expect(examples.length).toBeGreaterThan(0);
    for (const name of examples) {
      const text = readFileSync(join(POLICY_DIR, name), 'utf8');
      expect(text.split('\n')[0], name).toBe('# yaml-language-server: $schema=./schema.json');
      expect(validate(parseYaml(text) ?? {}), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('accepts the empty policy and the effective policy with every default written out', () => {
    expect(validate({})).toBe(true);
    expect(validate(JSON.parse(JSON.stringify(defaultPolicy()))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('lists each default the code fills in', () => {
    const defaults = (schema.properties as Record<string, { default?: unknown }>);
    for (const [key, value] of Object.entries(defaultPolicy())) expect(defaults[key]?.default, key).toEqual(value);
  });

  it('refuses what the code refuses, but for the checks only `validate` makes', () => {
    // Target regions in two partitions, a region AWS does not have: checks only the code makes (lib/targets/regions.ts).
    const crossField = new Set(['policy/targets-two-partitions', 'policy/targets-unknown-region']);
    const fixtures = badFixtures('policy').filter((f) => f.input !== undefined && typeof f.input === 'object' && !Array.isArray(f.input) && !crossField.has(f.id));
    expect(fixtures.length).toBeGreaterThan(10);
    for (const fixture of fixtures) {
      expect(() => parsePolicy(fixture.input), fixture.id).toThrow();
      expect(validate(fixture.input), `${fixture.id}: ${fixture.about}`).toBe(ONLY_VALIDATE_CATCHES.has(fixture.id));
    }
  });
});
