import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  VERDICT_PUBLISH_LEASE_MS,
  VERDICT_STATE_TTL_DAYS,
  claimVerdict,
  markPublished,
  type VerdictCandidate,
} from '../lib/scan/verdict-state';
import { newAccountId } from './support/aws';
import { verdictTable } from './support/verdict-table';

const T0 = Date.parse('2026-11-20T10:00:00Z');

function candidate(extra: Partial<VerdictCandidate> = {}): VerdictCandidate {
  return {
    imageKey: `arn:aws:ecr:us-east-1:123456789012:repository/team/api@sha256:${'a'.repeat(64)}`,
    scanKey: '2026-11-20T09:59:00.000Z',
    verdictId: 'v-pass',
    result: 'pass',
    failingIds: [],
    trigger: 'push',
    ...extra,
  };
}

const failing = (ids: string[], extra: Partial<VerdictCandidate> = {}) => candidate({ verdictId: `v-fail-${ids.join('+')}`, result: 'fail', failingIds: ids, ...extra });

describe('verdict state on a DynamoDB table (moto)', () => {
  it('publishes the first judgement of a scan, and not the same judgement from a second path', async () => {
    const store = await verdictTable(newAccountId(), () => T0);

    const first = await claimVerdict(store, candidate({ trigger: 'push' }));
    await markPublished(store, candidate());
    const second = await claimVerdict(store, candidate({ trigger: 'scan-complete' }));

    expect(first).toMatchObject({ publish: true, state: 'recorded', reason: 'the first verdict for this image' });
    expect(second).toMatchObject({ publish: false, state: 'seen' });
  });

  it('lets exactly one of several paths judging the same scan at once publish', async () => {
    const store = await verdictTable(newAccountId(), () => T0);

    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => claimVerdict(store, candidate({ trigger: `path-${i}` }))));

    expect(claims.filter((c) => c.publish)).toHaveLength(1);
  });

  it('publishes a new failing finding of the same scan once, as Inspector re-judges it', async () => {
    const store = await verdictTable(newAccountId(), () => T0);
    await claimVerdict(store, candidate());
    await markPublished(store, candidate());

    const news = await claimVerdict(store, failing(['CVE-2026-0001'], { trigger: 'finding' }));
    await markPublished(store, failing(['CVE-2026-0001']));
    const again = await claimVerdict(store, failing(['CVE-2026-0001'], { trigger: 'finding' }));

    expect(news).toMatchObject({ publish: true, state: 'rejudged', reason: 'the verdict changed: pass -> fail' });
    expect(again).toMatchObject({ publish: false, state: 'seen' });
  });

  it('compares a new scan with the latest earlier one: the same verdict is not news, a new failing finding is', async () => {
    const store = await verdictTable(newAccountId(), () => T0);
    await claimVerdict(store, failing(['CVE-1'], { scanKey: '2026-11-01T00:00:00.000Z' }));

    const same = await claimVerdict(store, failing(['CVE-1'], { scanKey: '2026-11-08T00:00:00.000Z' }));
    const more = await claimVerdict(store, failing(['CVE-1', 'CVE-2'], { scanKey: '2026-11-15T00:00:00.000Z' }));

    expect(same).toMatchObject({ publish: false, state: 'recorded', reason: 'the verdict is unchanged (fail)' });
    expect(more).toMatchObject({ publish: true, state: 'recorded', reason: 'new failing finding(s): CVE-2' });
  });

  it('publishes again a verdict whose publishing run died, once its lease is over, and only once', async () => {
    let now = T0;
    const store = await verdictTable(newAccountId(), () => now);
    await claimVerdict(store, candidate()); // claimed, never marked published

    const early = await claimVerdict(store, candidate());
    now = T0 + VERDICT_PUBLISH_LEASE_MS;
    const [a, b] = await Promise.all([claimVerdict(store, candidate()), claimVerdict(store, candidate())]);

    expect(early.publish).toBe(false);
    expect([a!.publish, b!.publish].filter(Boolean)).toHaveLength(1);
  });

  it('keeps each judgement with a TTL, its result and its failing ids', async () => {
    const store = await verdictTable(newAccountId(), () => T0);
    const judged = failing(['CVE-1', 'GHSA-aaaa-bbbb-cccc']);
    await claimVerdict(store, judged);

    const { Item } = await store.dynamodb.send(
      new GetItemCommand({ TableName: store.table, Key: { image: { S: judged.imageKey }, scan: { S: judged.scanKey } } }),
    );

    expect(Item).toMatchObject({
      result: { S: 'fail' },
      status: { S: 'pending' },
      failingIds: { L: [{ S: 'CVE-1' }, { S: 'GHSA-aaaa-bbbb-cccc' }] },
      expiresAt: { N: String(T0 / 1000 + VERDICT_STATE_TTL_DAYS * 86_400) },
    });
  });
});
