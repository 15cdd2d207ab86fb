/**
 * Calls an enforcement run makes against moto, by action, beside the fewest it could make.
 *
 *   npx tsx bench/enforce-calls.ts --repos 500
 *
 * The minimum counts: ⌈R/1000⌉ DescribeRepositories, DescribeRegistry and GetRegistryScanningConfiguration
 * once, one write per needed change, one ListTagsForResource per repository with a change (the skip tag is
 * only looked up there), and ⌈events/10⌉ PutEvents. (moto never pages DescribeRepositories, so it answers
 * in one call at any size; the paging itself is counted on a stub in test/enforce-run.test.ts.)
 */
import { CreateRepositoryCommand, DescribeRegistryCommand } from '@aws-sdk/client-ecr';
import { parseArgs } from 'node:util';
import { runEnforce } from '../lib/enforce/run';
import { MAX_DESCRIBE_REPOSITORIES_PAGE, MAX_PUT_EVENTS_ENTRIES } from '../lib/limits';
import { parsePolicy } from '../lib/policy';
import { renderTable } from '../lib/report/table';
import { startMotoServer } from '../scripts/moto-server';
import { countCalls } from '../test/support/call-count';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { repos: { type: 'string', default: '300' } } });
  const total = Number(values.repos);
  const moto = await startMotoServer();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  const { createClients } = await import('../lib/aws/clients');
  const clients = createClients({ region: 'us-east-1' });
  try {
    // A third mutable, a quarter without scan-on-push, every 20th opted out, every 25th excluded.
    let writes = 1; // the replication rule
    let changed = 0;
    let skippedChanged = 0;
    for (let i = 0; i < total; i++) {
      const [excluded, mutable, scanOff, skipped] = [i % 25 === 0, i % 3 === 0, i % 4 === 0, i % 20 === 0];
      await clients.ecr.send(
        new CreateRepositoryCommand({
          repositoryName: `${excluded ? 'sandbox' : `team-${i % 7}`}/svc-${i}`,
          imageTagMutability: mutable ? 'MUTABLE' : 'IMMUTABLE',
          imageScanningConfiguration: { scanOnPush: !scanOff },
          ...(skipped ? { tags: [{ Key: 'ecr-keeper:skip', Value: 'true' }] } : {}),
        }),
      );
      if (excluded || !(mutable || scanOff)) continue;
      changed++;
      if (skipped) skippedChanged++;
      else writes += (mutable ? 1 : 0) + (scanOff ? 1 : 0);
    }
    const { registryId } = await clients.ecr.send(new DescribeRegistryCommand({}));
    const policy = parsePolicy({
      repositories: { exclude: ['sandbox/**'] },
      replication: { rules: [{ destinations: [{ region: 'eu-west-1', registryId: registryId! }] }] },
    });
    const reads = Math.ceil(total / MAX_DESCRIBE_REPOSITORIES_PAGE) + 2;
    const runs = [
      { run: 'first', minimum: reads + changed + writes + Math.ceil(writes / MAX_PUT_EVENTS_ENTRIES) },
      // Only the opted-out repositories still differ: their tags are read again, nothing is written.
      { run: 'second', minimum: reads + skippedChanged },
    ];

    const rows: string[][] = [];
    for (const { run, minimum } of runs) {
      const calls = [countCalls(clients.ecr), countCalls(clients.events)];
      const started = performance.now();
      const report = await runEnforce(clients, policy, { mode: 'apply', scope: { kind: 'registry' } });
      const ms = performance.now() - started;
      const byAction = calls.flatMap((c) => [...c]).sort(([a], [b]) => a.localeCompare(b));
      const actual = byAction.reduce((n, [, count]) => n + count, 0);
      rows.push([
        run,
        String(report.summary.repositories),
        `${report.summary.applied}/${report.summary.changes}`,
        byAction.map(([a, n]) => `${a} ${n}`).join(', '),
        String(actual),
        String(minimum),
        (actual / minimum).toFixed(2),
        `${ms.toFixed(0)} ms`,
      ]);
    }
    console.log(`\n## Enforce calls against moto (${total} repositories)\n`);
    const right = 'right' as const;
    console.log(
      renderTable(
        [
          { header: 'RUN' },
          { header: 'REPOS', align: right },
          { header: 'APPLIED', align: right },
          { header: 'CALLS BY ACTION' },
          { header: 'ACTUAL', align: right },
          { header: 'MINIMUM', align: right },
          { header: 'RATIO', align: right },
          { header: 'WALL', align: right },
        ],
        rows,
      ),
    );
  } finally {
    await moto.stop();
  }
}

await main();
