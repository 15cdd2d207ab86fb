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

/** What a report schema describes, by its name (`audit-report`, `audit-targets-report`, `scan-report`). */
function reportDescription(name: string): string {
  const bumped = '`schemaVersion` is bumped when its shape changes.';
  const job = name.replace(/(-targets)?-report$/, '');
  if (name.endsWith('-targets-report')) {
    return `The JSON document of \`ecr-keeper ${job} --format json\`: the report over targets, one entry per account x region (each an \`${job}-report\` with its accountId and region, or the error that stopped that target) and the summed summary; ${bumped}`;
  }
  if (job === 'scan') return `The JSON report of \`ecr-keeper scan --format json\`; ${bumped}`;
  return `One target's ${job} report: a scheduled function's full report, and each entry of \`targets\` in the JSON document of \`ecr-keeper ${job} --format json\` (${job}-targets-report); ${bumped}`;
}

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
      text: text(schema, reportDescription(name)),
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
