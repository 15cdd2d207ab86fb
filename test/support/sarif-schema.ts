import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * A validator of the SARIF 2.1.0 JSON schema as Microsoft's SARIF SDK ships it (@microsoft/jest-sarif, a dev
 * dependency). It is a draft-04 schema: its `$schema` and draft-04 `id` are dropped so that Ajv (draft-07)
 * compiles it (every keyword it uses means the same in both drafts), and its patterns are compiled without the
 * `u` flag (one of them, a language tag, is not valid under it).
 *
 * @example
 * const validate = sarifValidator();
 * expect(validate(JSON.parse(stdout))).toBe(true);
 */
export function sarifValidator(): ValidateFunction {
  const path = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const { $schema: _draft, id: _id, ...schema } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}
