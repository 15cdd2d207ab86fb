/**
 * `npm run schema`: writes policy/schema.json, the policy's JSON Schema, generated from the zod schema
 * the code validates with (`z.toJSONSchema`), for editors to check and complete policy files. A test fails
 * when the file is stale (test/policy-schema.test.ts).
 *
 *   npm run schema
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { PolicySchema } from '../lib/policy';

const ROOT = resolve(import.meta.dirname, '..');

/** Where the policy's JSON Schema is kept. */
export const POLICY_SCHEMA_PATH = join(ROOT, 'policy', 'schema.json');

/**
 * The policy's JSON Schema as a policy file is written: every key optional (the defaults are listed as
 * `default`), no unknown key anywhere. Checks zod cannot express in JSON Schema (glob syntax, the
 * mode/exclusions pairing, the destination total) are left to `ecr-keeper validate`.
 *
 * @example
 * const schema = policyJsonSchema();
 */
export function policyJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(PolicySchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'ecr-keeper policy',
    description:
      'The policy of ecr-keeper (YAML or JSON). Every key is optional; the defaults make a safe, useful policy. `ecr-keeper validate --policy FILE` checks a file completely and prints it with its defaults.',
    ...rest,
  };
}

/** The text of policy/schema.json. */
export function policySchemaText(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(POLICY_SCHEMA_PATH, policySchemaText());
  console.log(`wrote ${POLICY_SCHEMA_PATH}`);
}
