/**
 * `npm run schemas`: writes the JSON Schemas of the contracts into schemas/: the JSON reports
 * (schemas/<job>-report.schema.json) and the detail of every published event
 * (schemas/events/<event>.schema.json), generated from the zod schemas in lib/contracts/. A test fails when
 * a file is stale (test/contract-schemas.test.ts), another checks real output against them.
 *
 *   npm run schemas
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as z from 'zod';
import { EVENT_DETAIL_SCHEMAS, eventSchemaName } from '../lib/contracts/events';
import { REPORT_SCHEMAS } from '../lib/contracts/reports';

const ROOT = resolve(import.meta.dirname, '..');

/** Where the contracts' JSON Schemas are kept. */
export const SCHEMAS_DIR = join(ROOT, 'schemas');

/**
 * Every contract schema file: its path under schemas/ and its text.
 *
 * @example
 * for (const { path, text } of contractSchemaFiles()) writeFileSync(join(SCHEMAS_DIR, path), text);
 */
export function contractSchemaFiles(): { path: string; text: string }[] {
  const text = (schema: z.ZodType, description: string) =>
    `${JSON.stringify({ ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' }), description }, null, 2)}\n`;
  return [
    ...Object.entries(REPORT_SCHEMAS).map(([name, schema]) => ({
      path: `${name}.schema.json`,
      text: text(schema, `The JSON report of \`ecr-keeper ${name.replace(/-report$/, '')} --format json\`; \`schemaVersion\` is bumped when its shape changes.`),
    })),
    ...Object.entries(EVENT_DETAIL_SCHEMAS).map(([detailType, schema]) => ({
      path: `events/${eventSchemaName(detailType)}.schema.json`,
      text: text(schema, `The detail of the \`${detailType}\` event ecr-keeper publishes; \`version\` is bumped when its shape changes.`),
    })),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const { path, text } of contractSchemaFiles()) {
    const file = join(SCHEMAS_DIR, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
}
