import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { SCHEMAS_DIR } from '../../scripts/contract-schemas';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const compiled = new Map<string, ValidateFunction>();

/** The contract schema at `path` under schemas/ (`audit-report.schema.json`, `events/scan-verdict.schema.json`), compiled once. */
export function contractSchema(path: string): ValidateFunction {
  let validate = compiled.get(path);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS_DIR, path), 'utf8')) as object);
    compiled.set(path, validate);
  }
  return validate;
}

/**
 * Asserts `value` is valid against the contract schema at `path`, printing ajv's complaints when it is not.
 *
 * @example
 * expectContract('audit-targets-report.schema.json', JSON.parse(stdout), 'audit --format json');
 */
export function expectContract(path: string, value: unknown, what: string): void {
  const validate = contractSchema(path);
  const valid = validate(value);
  expect(valid, `${what}: ${ajv.errorsText(validate.errors, { separator: '\n' })}`).toBe(true);
}
