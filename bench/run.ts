/**
 * `npm run bench`: the figures that matter in production, measured (never asserted in tests).
 *
 *   npm run bench                       # everything with the defaults
 *   npm run bench -- --only walker,cold-start
 *   npm run bench -- --repos 200 --tagged 5 --untagged 5 --concurrency 8
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderTable } from '../lib/report/table';
import { coldStart } from './cold-start';
import { mib } from './memory';
import { walkerScaleInChild } from './walker-scale';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const PARTS = ['walker', 'cold-start'] as const;

async function bench(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      'walker-repos': { type: 'string', default: '2000' },
      'walker-images': { type: 'string', default: '100' },
      runs: { type: 'string', default: '9' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  const only = new Set((values.only ?? PARTS.join(',')).split(','));
  const results: Record<string, unknown> = { at: new Date().toISOString(), node: process.version };

  if (only.has('walker')) {
    const r = await walkerScaleInChild({
      repositories: Number(values['walker-repos']),
      imagesPerRepository: Number(values['walker-images']),
      concurrency: Number(values.concurrency),
    });
    results.walker = r;
    console.log(`\n## Walker scale (stubbed ECR transport, ${r.repositories} repositories x ${r.images / r.repositories} images)\n`);
    console.log(
      renderTable(
        [{ header: 'IMAGES', align: 'right' }, { header: 'PAGES', align: 'right' }, { header: 'WALL', align: 'right' }, { header: 'PER IMAGE', align: 'right' }, { header: 'RSS START', align: 'right' }, { header: 'RSS PEAK', align: 'right' }, { header: 'HEAP AFTER GC', align: 'right' }],
        [[String(r.images), `${r.pages.describeRepositories} + ${r.pages.describeImages}`, `${r.wallMs.toFixed(0)} ms`, `${(r.nsPerImage / 1000).toFixed(2)} µs`, mib(r.startRss), mib(r.peakRss), r.heapAfterGc ? mib(r.heapAfterGc) : '-']],
      ),
    );
    console.log('(per image: wall time minus the stub, i.e. the walker plus the SDK deserialising JSON)');
  }

  if (only.has('cold-start')) {
    const r = await coldStart({ runs: Number(values.runs) });
    results.coldStart = r;
    console.log(`\n## Cold start (esbuild as serverless.yml, load + client construction, median of ${values.runs} fresh node processes)\n`);
    console.log(
      renderTable(
        [{ header: 'FUNCTION' }, { header: 'BUNDLE', align: 'right' }, { header: 'MEDIAN LOAD', align: 'right' }],
        r.map((f) => [f.function, `${(f.bundleBytes / 1024).toFixed(0)} KiB`, `${f.medianLoadMs.toFixed(1)} ms`]),
      ),
    );
  }

  const dir = resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);
}

await bench();
