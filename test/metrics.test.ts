import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyJob, JobReport } from '../lib/job/types';
import { createMetrics, emitRunMetrics } from '../lib/metrics/emit';
import { jobOutcome } from '../lib/metrics/job-outcome';
import { isFailedOutcome, metricValues } from '../lib/metrics/metric-values';
import { FAILURE_METRICS, METRIC_NAMES } from '../lib/metrics/names';
import type { RunOutcome } from '../lib/metrics/run-outcome';
import { scanRunOutcome } from '../lib/metrics/scan-outcome';
import { captureEmf, emfValues } from './support/emf-capture';

const FAILED_CLEANUP: RunOutcome = {
  job: 'cleanup',
  repositoriesProcessed: 40,
  repositoriesFailed: 2,
  imagesDeleted: 17,
  bytesReclaimed: 123_456_789,
  incomplete: true,
  handedOn: false,
  targetsFailed: 1,
};

describe('metricValues', () => {
  it('maps every field a job gives to its metric, bytes in Bytes and the rest in Count', () => {
    expect(metricValues(FAILED_CLEANUP)).toEqual([
      { name: 'RepositoriesProcessed', unit: 'Count', value: 40 },
      { name: 'RepositoriesFailed', unit: 'Count', value: 2 },
      { name: 'ImagesDeleted', unit: 'Count', value: 17 },
      { name: 'TargetsFailed', unit: 'Count', value: 1 },
      { name: 'BytesReclaimed', unit: 'Bytes', value: 123_456_789 },
      { name: 'RunsIncomplete', unit: 'Count', value: 1 },
      { name: 'RunsHandedOn', unit: 'Count', value: 0 },
    ]);
  });

  it('gives no metric for what a job has nothing to say about', () => {
    expect(metricValues({ job: 'scan', verdictsPassed: 0, verdictsFailed: 1 }).map((m) => m.name)).toEqual(['VerdictsPassed', 'VerdictsFailed']);
    expect(metricValues({ job: 'audit' })).toEqual([]);
  });

  it('counts a complete run as a 0 in RunsIncomplete, so that the alarm sees it', () => {
    expect(metricValues({ job: 'enforce', incomplete: false })).toEqual([{ name: 'RunsIncomplete', unit: 'Count', value: 0 }]);
  });

  it('refuses a negative or non-finite count instead of emitting it', () => {
    expect(() => metricValues({ job: 'enforce', changesApplied: -1 })).toThrow(/changesApplied must be a non-negative number/);
    expect(() => metricValues({ job: 'cleanup', bytesReclaimed: Number.NaN })).toThrow(/bytesReclaimed/);
  });

  it('emits one metric per numeric field given, whatever the outcome', () => {
    const count = fc.option(fc.nat(), { nil: undefined });
    fc.assert(
      fc.property(fc.record({ repositoriesProcessed: count, changesApplied: count, changesFailed: count, imagesDeleted: count, bytesReclaimed: count }), (fields) => {
        const values = metricValues({ job: 'x', ...fields });
        const given = Object.values(fields).filter((v) => v !== undefined);
        expect(values.map((v) => v.value)).toEqual(expect.arrayContaining(given));
        expect(values).toHaveLength(given.length);
      }),
    );
  });
});

describe('isFailedOutcome', () => {
  it.each([
    [{ repositoriesFailed: 1 }, true],
    [{ changesFailed: 3 }, true],
    [{ targetsFailed: 1 }, true],
    [{ incomplete: true }, true],
    [{ handedOn: true, incomplete: false }, false],
    [{ repositoriesProcessed: 10, repositoriesFailed: 0, changesFailed: 0, incomplete: false }, false],
  ])('calls %j failed: %s', (fields, failed) => {
    expect(isFailedOutcome({ job: 'enforce', ...fields })).toBe(failed);
  });

  it('agrees with the failure metrics: a failed run has a failure metric above 0', () => {
    const failing = metricValues(FAILED_CLEANUP).filter((m) => FAILURE_METRICS.includes(m.name) && m.value > 0);
    expect(isFailedOutcome(FAILED_CLEANUP)).toBe(true);
    expect(failing.map((m) => m.name).sort()).toEqual([METRIC_NAMES.repositoriesFailed, METRIC_NAMES.runsIncomplete, METRIC_NAMES.targetsFailed].sort());
  });
});

describe('emitRunMetrics', () => {
  it('writes one EMF record in the ecr-keeper namespace, by service and job, with the run values', async () => {
    const metrics = createMetrics();

    const records = await captureEmf(() => emitRunMetrics(metrics, FAILED_CLEANUP));

    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record!._aws.CloudWatchMetrics).toEqual([expect.objectContaining({ Namespace: 'ecr-keeper', Dimensions: [['service', 'job']] })]);
    expect(record).toMatchObject({ service: 'ecr-keeper', job: 'cleanup' });
    expect(emfValues(record!)).toEqual({
      RepositoriesProcessed: { value: 40, unit: 'Count' },
      RepositoriesFailed: { value: 2, unit: 'Count' },
      ImagesDeleted: { value: 17, unit: 'Count' },
      TargetsFailed: { value: 1, unit: 'Count' },
      BytesReclaimed: { value: 123_456_789, unit: 'Bytes' },
      RunsIncomplete: { value: 1, unit: 'Count' },
      RunsHandedOn: { value: 0, unit: 'Count' },
    });
  });

  it('keeps the runs of two jobs apart: the second record has only its own job and values', async () => {
    const metrics = createMetrics();

    const records = await captureEmf(() => {
      emitRunMetrics(metrics, { job: 'enforce', changesApplied: 3, changesFailed: 1 });
      emitRunMetrics(metrics, { job: 'cleanup', imagesDeleted: 5 });
    });

    expect(records.map((r) => r.job)).toEqual(['enforce', 'cleanup']);
    expect(emfValues(records[1]!)).toEqual({ ImagesDeleted: { value: 5, unit: 'Count' } });
  });

  it('writes nothing for a run with nothing to count', async () => {
    const records = await captureEmf(() => emitRunMetrics(createMetrics(), { job: 'audit' }));
    expect(records).toEqual([]);
  });
});

describe('scanRunOutcome', () => {
  const verdict = (result: 'pass' | 'fail' | 'scan-failed') => ({ kind: 'verdict', verdict: { result } }) as unknown as Parameters<typeof scanRunOutcome>[0];

  it.each([
    ['pass', 1, 0],
    ['fail', 0, 1],
    ['scan-failed', 0, 1],
  ] as const)('counts a %s verdict as %i passed and %i failed', (result, passed, failed) => {
    expect(scanRunOutcome(verdict(result))).toEqual({ job: 'scan', verdictsPassed: passed, verdictsFailed: failed });
  });

  it('counts nothing for a scan still pending', () => {
    expect(scanRunOutcome({ kind: 'pending', reason: 'scan in progress' } as unknown as Parameters<typeof scanRunOutcome>[0])).toBeUndefined();
  });
});

describe('jobOutcome', () => {
  const report = { summary: { repositories: 12, excluded: 0, complete: false, cursor: 'c' }, failures: [{}, {}] } as unknown as JobReport;

  it("takes repositories from every report, the job's own counts over them, and how the run ended", () => {
    const job = { name: 'enforce', outcome: () => ({ repositoriesFailed: 3, changesApplied: 4 }) } as unknown as AnyJob;
    expect(jobOutcome(job, report, { handedOn: true, incomplete: false })).toEqual({
      job: 'enforce',
      repositoriesProcessed: 12,
      repositoriesFailed: 3,
      changesApplied: 4,
      handedOn: true,
      incomplete: false,
    });
  });

  it('leaves out how the run ended when nobody said (a manual invoke)', () => {
    expect(jobOutcome({ name: 'audit' } as unknown as AnyJob, report)).toEqual({ job: 'audit', repositoriesProcessed: 12, repositoriesFailed: 2 });
  });
});
