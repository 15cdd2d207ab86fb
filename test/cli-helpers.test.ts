import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { logAwsCalls } from '../cli/aws-call-log';
import { repositoryTotal } from '../cli/repository-total';
import { parsePolicy } from '../lib/policy';
import { canAsk, confirmApply, type ApplySummary } from '../cli/confirm';
import { checkOutputFile, formatForOutputFile, writeOutputFile } from '../cli/output-file';
import { createProgress, formatDuration, progressMode, progressText } from '../cli/progress';
import { UsageError } from '../lib/errors';
import { textSink } from './support/cli';

const tty = (sink = textSink()) => ({ ...sink, stream: Object.assign(sink.stream, { isTTY: true }) });

describe('progress', () => {
  it('redraws one line on a terminal, whatever the report format, and only clears it at the end', () => {
    expect(progressMode({ isTTY: true }, { TERM: 'xterm-256color' })).toBe('redraw');
  });

  it('writes plain lines on a dumb terminal, and nothing in a pipe or under CI', () => {
    expect(progressMode({ isTTY: true }, { TERM: 'dumb' })).toBe('lines');
    expect(progressMode({ isTTY: false }, {})).toBe('off');
    expect(progressMode({}, {})).toBe('off');
    expect(progressMode({ isTTY: true }, { CI: 'true' })).toBe('off');
    expect(progressMode({ isTTY: true }, { CI: '1', TERM: 'dumb' })).toBe('off');
    expect(progressMode({ isTTY: true }, { CI: 'false' })).toBe('redraw');
  });

  it('shows done/total, the share done and the time left at the pace so far', () => {
    expect(progressText('audited', 100, { count: 400, more: false }, 50_000, 'team/api')).toBe(
      'audited 100/400 repositories (25%), about 2m 30s left: team/api',
    );
    expect(progressText('audited', 3, undefined, 1000)).toBe('audited 3 repositories');
    expect(progressText('planned', 400, { count: 400, more: false }, 9000)).toBe('planned 400/400 repositories (100%)');
  });

  it('shows a total still being listed with a plus, and no estimate until it is known', () => {
    expect(progressText('audited', 120, { count: 1000, more: true }, 50_000)).toBe('audited 120/1000+ repositories');
    expect([formatDuration(42_400), formatDuration(65_000), formatDuration(3_720_000)]).toEqual(['42s', '1m 05s', '1h 02m']);
  });

  it('redraws in place on a terminal and leaves a clean line behind', () => {
    const sink = tty();
    let t = 0;
    const progress = createProgress({ stream: sink.stream, env: {} }, 'audited', { now: () => t });
    t = 1000;
    progress.update(1, { count: 4, more: false }, 'a/one');
    t = 2000;
    progress.update(2, { count: 4, more: false }, 'a/two');
    progress.done();
    expect(sink.text()).toBe(
      '\r\x1b[2Kaudited 1/4 repositories (25%), about 3s left: a/one\r\x1b[2Kaudited 2/4 repositories (50%), about 2s left: a/two\r\x1b[2K',
    );
  });

  it('writes at most one plain line every few seconds on a dumb terminal, and a last one with the time taken', () => {
    const sink = tty();
    let t = 0;
    const progress = createProgress({ stream: sink.stream, env: { TERM: 'dumb' } }, 'checked', { now: () => t });
    for (let done = 1; done <= 10; done++) {
      t = done * 1000;
      progress.update(done, { count: 10, more: false });
    }
    progress.done();
    expect(sink.text().split('\n').filter(Boolean)).toEqual([
      'checked 1/10 repositories (10%), about 9s left',
      'checked 6/10 repositories (60%), about 4s left',
      'checked 10/10 repositories (100%) in 10s',
    ]);
    expect(sink.text()).not.toContain('\r');
  });

  it('writes nothing when stderr is not a terminal', () => {
    const sink = textSink();
    const progress = createProgress({ stream: sink.stream, env: {} }, 'audited');
    progress.update(1, { count: 2, more: false }, 'x');
    progress.message('scanning');
    progress.done();
    expect([progress.mode, sink.text()]).toEqual(['off', '']);
  });
});

/** An ECR client whose transport answers each attempt in turn from `statuses` (200: no repositories, 400: throttled). */
function scriptedEcr(statuses: number[]): ECRClient {
  let attempt = 0;
  return new ECRClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 3,
    retryMode: 'standard',
    requestHandler: {
      handle: async () => {
        const status = statuses[Math.min(attempt++, statuses.length - 1)]!;
        const body = status === 200 ? { repositories: [] } : { __type: 'ThrottlingException', message: 'Rate exceeded' };
        return { response: { statusCode: status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([Buffer.from(JSON.stringify(body))]) } };
      },
    } as never,
  });
}

describe('--verbose: a line per AWS call', () => {
  it('names the service and operation, with the duration of the call', async () => {
    const ecr = scriptedEcr([200]);
    const lines: string[] = [];
    let t = 0;
    logAwsCalls(ecr, (line) => lines.push(line), () => (t += 40));
    await ecr.send(new DescribeRepositoriesCommand({}));
    expect(lines).toEqual(['aws: ecr DescribeRepositories 40 ms']);
  });

  it('sees a retried call once, with the attempts the SDK took', async () => {
    const ecr = scriptedEcr([400, 400, 200]);
    const lines: string[] = [];
    let t = 0;
    logAwsCalls(ecr, (line) => lines.push(line), () => (t += 1200));
    await ecr.send(new DescribeRepositoriesCommand({}));
    expect(lines).toEqual(['aws: ecr DescribeRepositories 1.2 s, 3 attempts']);
  }, 30_000);

  it('names the error of a call that failed after its retries', async () => {
    const ecr = scriptedEcr([400]);
    const lines: string[] = [];
    logAwsCalls(ecr, (line) => lines.push(line), () => 0);
    await expect(ecr.send(new DescribeRepositoriesCommand({}))).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(lines).toEqual(['aws: ecr DescribeRepositories 0 ms, 3 attempts, failed: ThrottlingException']);
  }, 30_000);
});

describe('the total a progress shows', () => {
  /** An ECR client whose DescribeRepositories answers the given pages in turn, each page's names with a nextToken but the last. */
  function pagedEcr(pages: string[][]): ECRClient {
    let page = 0;
    return new ECRClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestHandler: {
        handle: async () => {
          const names = pages[page] ?? [];
          const body = { repositories: names.map((repositoryName) => ({ repositoryName })), ...(++page < pages.length ? { nextToken: `t${page}` } : {}) };
          return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([Buffer.from(JSON.stringify(body))]) } };
        },
      } as never,
    });
  }

  it('counts the repositories the job\'s own pages list, as the policy filters them, with a plus while pages follow', async () => {
    const ecr = pagedEcr([['svc/a', 'svc/b', 'sandbox/x'], ['svc/c']]);
    const total = repositoryTotal(ecr, parsePolicy({ repositories: { exclude: ['sandbox/**'] } }));
    expect(total()).toEqual({ count: 0, more: true });
    await ecr.send(new DescribeRepositoriesCommand({}));
    expect(total()).toEqual({ count: 2, more: true });
    await ecr.send(new DescribeRepositoriesCommand({ nextToken: 't1' }));
    expect(total()).toEqual({ count: 3, more: false });
  });

  it('is the names asked for, the policy\'s filters applied, without watching any call', () => {
    const ecr = pagedEcr([]);
    const total = repositoryTotal(ecr, parsePolicy({ repositories: { exclude: ['sandbox/**'] } }), ['svc/a', 'svc/a', 'sandbox/x', 'svc/b']);
    expect(total()).toEqual({ count: 2, more: false });
  });
});

describe('--output FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-keeper-output-'));

  it('writes the report whole, replacing what the file held, with no temporary file left behind', () => {
    const path = join(dir, 'audit.json');
    writeFileSync(path, 'old report');
    writeOutputFile(path, '{"schemaVersion":"1"}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"schemaVersion":"1"}\n');
    expect(readdirSync(dir)).toEqual(['audit.json']);
  });

  it('refuses, before any run, a file in a folder that does not exist, or a folder', () => {
    expect(() => checkOutputFile(join(dir, 'no', 'such', 'audit.json'))).toThrow(UsageError);
    expect(() => checkOutputFile(join(dir, 'no', 'audit.json'))).toThrow(/folder .* does not exist/);
    expect(() => checkOutputFile(dir)).toThrow(/is a folder, not a file/);
    expect(() => checkOutputFile(join(dir, 'fine.json'))).not.toThrow();
  });

  it('takes the report format from the file name', () => {
    expect([formatForOutputFile('a.json'), formatForOutputFile('a.MD'), formatForOutputFile('a.txt'), formatForOutputFile('report')]).toEqual([
      'json',
      'markdown',
      'table',
      'json',
    ]);
  });
});

describe('confirmation before --apply', () => {
  const summary: ApplySummary = { command: 'cleanup', account: '123456789012', regions: ['eu-west-1'], changes: 12, what: 'image deletions' };
  const terminal = (answer?: string) => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const err = tty();
    if (answer === undefined) stdin.end();
    else stdin.write(`${answer}\n`);
    return { io: { stdin, stderr: err.stream, env: {} }, asked: err.text };
  };

  it('shows account, region and the number of changes on a terminal, and applies on yes', async () => {
    const { io, asked } = terminal('y');
    expect(await confirmApply(io, summary, { yes: false })).toBe('confirmed');
    expect(asked()).toBe('cleanup: apply 12 image deletions in account 123456789012, region eu-west-1? [y/N] ');
  });

  it('declines on anything but yes, and on a closed stdin', async () => {
    expect(await confirmApply(terminal('n').io, summary, { yes: false })).toBe('declined');
    expect(await confirmApply(terminal('').io, summary, { yes: false })).toBe('declined');
    expect(await confirmApply(terminal().io, summary, { yes: false })).toBe('declined');
  });

  it('does not ask with --yes, for an empty plan, in a pipe, or under CI', async () => {
    const { io, asked } = terminal('n');
    expect(await confirmApply(io, summary, { yes: true })).toBe('not-asked');
    expect(await confirmApply(io, { ...summary, changes: 0 }, { yes: false })).toBe('not-asked');
    expect(await confirmApply({ ...io, stdin: new PassThrough() }, summary, { yes: false })).toBe('not-asked');
    expect(await confirmApply({ ...io, env: { CI: 'true' } }, summary, { yes: false })).toBe('not-asked');
    expect(asked()).toBe('');
    expect(canAsk({ ...io, stderr: textSink().stream })).toBe(false);
  });
});
