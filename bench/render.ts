import { renderTable, type Column } from '../lib/report/table';
import { isReadAction } from '../test/support/calls';
import type { ColdStartResult } from './cold-start';
import type { CliStartResult } from './cli-start';
import { median, mib } from './memory';
import type { JobResult, RegistryBenchResult } from './registry-jobs';
import type { WalkerScaleResult } from './walker-scale';

/** The printed figures of `npm run bench`, one function per part. */

const right = (header: string): Column => ({ header, align: 'right' });
const ms = (value: number | undefined) => (value === undefined ? '?' : value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`);
const pct = (part: number | undefined, whole: number) => (part === undefined || whole <= 0 ? '?' : `${((100 * part) / whole).toFixed(0)}%`);

/** Write calls of a job (every action that is not a read). */
export function writesOf(calls: Record<string, number>): number {
  return Object.entries(calls).reduce((n, [action, count]) => n + (isReadAction(action) ? 0 : count), 0);
}

/** CPU time of the three processes together. */
function cpuTotal(job: JobResult): number {
  return job.cpuMs.ecrKeeper + (job.cpuMs.layer ?? 0) + (job.cpuMs.moto ?? 0);
}

function jobTable(job: JobResult): string {
  const actions = [...new Set([...Object.keys(job.calls), ...Object.keys(job.minimum)])].sort();
  const rows = actions.map((a) => [a, String(job.calls[a] ?? 0), String(job.minimum[a] ?? 0), (job.calls[a] ?? 0) === (job.minimum[a] ?? 0) ? '' : '<-']);
  rows.push(['total', String(job.actual), String(job.minimumTotal), `ratio ${job.ratio.toFixed(2)}`]);
  const outcome = Object.entries(job.outcome)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
  const total = cpuTotal(job);
  return [
    `### ${job.job}  (exit ${job.exitCode}${outcome ? `; ${outcome}` : ''})`,
    ...(job.error ? [`error: ${job.error}`] : []),
    '',
    renderTable([{ header: 'ACTION' }, right('ACTUAL'), right('MINIMUM'), { header: '' }], rows),
    '',
    `wall ${ms(job.wallMs)}, ${job.callsPerSecond.toFixed(0)} calls/s, ${job.wireRequests} requests on the wire, peak RSS ${mib(job.rss.peakRss)} (this process, ${job.rss.peakSource})`,
    `CPU: ecr-keeper ${ms(job.cpuMs.ecrKeeper)} (${pct(job.cpuMs.ecrKeeper, total)}), layer ${ms(job.cpuMs.layer)} (${pct(job.cpuMs.layer, total)}), ` +
      `moto ${ms(job.cpuMs.moto)} (${pct(job.cpuMs.moto, total)}); moto busy ${pct(job.cpuMs.moto, job.wallMs)} of the wall time`,
  ].join('\n');
}

/**
 * The registry part: what was seeded, a table of calls by action against the minimum per job, and a
 * summary table of every job.
 */
export function renderRegistry(r: RegistryBenchResult): string {
  const { repositories: repos, shape, seed } = r;
  const summary = renderTable(
    [
      { header: 'JOB' },
      right('CALLS'),
      right('MINIMUM'),
      right('RATIO'),
      right('WRITES'),
      right('WALL'),
      right('CALLS/S'),
      right('PEAK RSS'),
      right('CPU ECR-KEEPER'),
      right('CPU LAYER'),
      right('CPU MOTO'),
      right('ECR-KEEPER SHARE'),
    ],
    r.jobs.map((j) => [
      j.job,
      String(j.actual),
      String(j.minimumTotal),
      j.ratio.toFixed(2),
      String(writesOf(j.calls)),
      ms(j.wallMs),
      j.callsPerSecond.toFixed(0),
      mib(j.rss.peakRss),
      ms(j.cpuMs.ecrKeeper),
      ms(j.cpuMs.layer),
      ms(j.cpuMs.moto),
      pct(j.cpuMs.ecrKeeper, cpuTotal(j)),
    ]),
  );
  return [
    `## Registry jobs: ${shape.repositories} repositories x (${shape.tagged} tagged + ${shape.untagged} untagged), --concurrency ${r.concurrency}`,
    '',
    `Target: ${r.target}.`,
    `Seeded: ${repos.total} repositories (${repos.inScope} in scope: ${repos.outOfPolicy} out of policy, ${repos.skipTagged} with the skip tag; ` +
      `${repos.excluded} excluded) and ${seed.images} images in ${ms(seed.wallMs)} (${seed.requests} requests, ${(seed.requests / (seed.wallMs / 1000)).toFixed(0)}/s). ` +
      'No replication rule: the policy asks for one. Untagged images are garbage at any age (moto cannot backdate imagePushedAt).',
    '',
    ...r.jobs.flatMap((j) => [jobTable(j), '']),
    '### Summary',
    '',
    summary,
    '',
    'CALLS: SDK sends counted by a middleware on the ECR and EventBridge clients (retries not counted; "requests on the wire" counts them).',
    'MINIMUM: the fewest calls for the seeded registry (bench/minimum.ts). PEAK RSS: this process during the job.',
    'CPU: user + system time of this process (the CLI code, the SDK), the faithful layer process, and moto_server (from /proc/<pid>/stat).',
  ].join('\n');
}

/** The walker-scale part. */
export function renderWalker(r: WalkerScaleResult): string {
  const table = renderTable(
    [right('IMAGES'), right('PAGES'), right('WALL'), right('PER IMAGE'), right('RSS START'), right('RSS PEAK'), right('HEAP AFTER GC')],
    [
      [
        String(r.images),
        `${r.pages.describeRepositories} + ${r.pages.describeImages}`,
        ms(r.wallMs),
        `${(r.nsPerImage / 1000).toFixed(2)} µs`,
        mib(r.rss.startRss),
        `${mib(r.rss.peakRss)}${r.rss.peakSource === 'sampled' ? ' (sampled)' : ''}`,
        r.afterGc ? mib(r.afterGc.heapUsed) : '-',
      ],
    ],
  );
  const options = r.nodeOptions.length > 0 ? ` with ${r.nodeOptions.join(' ')}` : ' with default node options';
  return [
    `## Walker scale (stubbed ECR transport, ${r.repositories} repositories x ${r.images / r.repositories} images, concurrency ${r.concurrency}${options})`,
    '',
    table,
    '',
    `At the peak: V8 heap committed up to ${mib(r.peaks.heapTotal)} (young generation ${mib(r.peaks.newSpace)}), ` +
      `unreferenced response ArrayBuffers up to ${mib(r.peaks.arrayBuffers)}; after a full GC: heap ${r.afterGc ? mib(r.afterGc.heapUsed) : '?'}, ` +
      `ArrayBuffers ${r.afterGc ? mib(r.afterGc.arrayBuffers) : '?'}.`,
    '(per image: wall time minus the stub, i.e. the walker plus the SDK deserialising JSON)',
  ].join('\n');
}

/** The CLI start-up part. */
export function renderCliStart(r: CliStartResult): string {
  return [
    `## CLI start-up (the built bundle's --help against node -e 0, whole processes, alternated, median of ${r.runs} each)`,
    '',
    renderTable(
      [{ header: 'PROCESS' }, right('MEDIAN'), right('MIN'), right('MAX')],
      [
        ['ecr-keeper --help', r.helpMs],
        ['node -e 0', r.nodeMs],
      ].map(([name, times]) => {
        const t = times as number[];
        return [name as string, ...[median(t), Math.min(...t), Math.max(...t)].map((v) => `${v.toFixed(1)} ms`)];
      }),
    ),
    '',
    `ratio ${r.ratio.toFixed(2)} (target: within 2); entry ${(r.entryBytes / 1024).toFixed(1)} KiB, whole bundle ${(r.bundleBytes / 1024).toFixed(0)} KiB`,
  ].join('\n');
}

/** The cold-start part. */
export function renderColdStart(results: readonly ColdStartResult[], runs: number): string {
  return [
    `## Cold start (esbuild as serverless.yml, load + client construction, median of ${runs} fresh node processes)`,
    '',
    renderTable(
      [{ header: 'FUNCTION' }, right('BUNDLE'), right('MEDIAN LOAD')],
      results.map((f) => [f.function, `${(f.bundleBytes / 1024).toFixed(0)} KiB`, `${f.medianLoadMs.toFixed(1)} ms`]),
    ),
  ].join('\n');
}
