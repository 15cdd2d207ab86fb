import { ECRClient, LimitExceededException, ScanNotFoundException, StartImageScanCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRescan } from '../lib/rescan/apply';
import type { RescanItem } from '../lib/rescan/types';

const ecrMock = mockClient(ECRClient);
afterEach(() => ecrMock.reset());

const item = (n: number): RescanItem => ({ kind: 'start-scan', repositoryName: 'team/api', imageDigest: `sha256:${String(n).padStart(64, '0')}`, imageTags: [], reason: 'never scanned' });
const exception = <E extends Error>(E: new (o: { message: string; $metadata: object }) => E, message: string) => new E({ message, $metadata: {} });

describe('applyRescan', () => {
  it('starts a scan for every planned image, in order', async () => {
    ecrMock.on(StartImageScanCommand).resolves({ imageScanStatus: { status: 'IN_PROGRESS' } });

    const outcomes = await applyRescan({ ecr: new ECRClient({}) }, { items: [item(1), item(2), item(3)] });

    expect(outcomes.map((o) => [o.kind, o.item.imageDigest])).toEqual([1, 2, 3].map((i) => ['started', item(i).imageDigest]));
    expect(ecrMock.commandCalls(StartImageScanCommand)).toHaveLength(3);
  });

  it('treats the daily quota (LimitExceededException) as scanned today, once, without retrying it', async () => {
    ecrMock.on(StartImageScanCommand).rejects(exception(LimitExceededException, 'The scan quota per image has been exceeded. Wait and try again.'));

    const [outcome] = await applyRescan({ ecr: new ECRClient({ maxAttempts: 5 }) }, { items: [item(1)] });

    expect(outcome).toMatchObject({ kind: 'scanned-today', reason: expect.stringContaining('already scanned today') });
    expect(ecrMock.commandCalls(StartImageScanCommand)).toHaveLength(1);
  });

  it('records a failed start in its outcome and goes on with the others', async () => {
    ecrMock
      .on(StartImageScanCommand, { imageId: { imageDigest: item(1).imageDigest } })
      .rejects(exception(ScanNotFoundException, 'odd'))
      .on(StartImageScanCommand, { imageId: { imageDigest: item(2).imageDigest } })
      .resolves({});

    const outcomes = await applyRescan({ ecr: new ECRClient({ maxAttempts: 1 }) }, { items: [item(1), item(2)] });

    expect(outcomes.map((o) => o.kind)).toEqual(['failed', 'started']);
    expect(outcomes[0]).toMatchObject({ error: { code: 'ScanNotFoundException', message: 'odd' } });
  });

  it('keeps at most the given number of starts in flight', async () => {
    let inFlight = 0;
    let most = 0;
    ecrMock.on(StartImageScanCommand).callsFake(async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return {};
    });

    await applyRescan({ ecr: new ECRClient({}) }, { items: Array.from({ length: 10 }, (_, i) => item(i)) }, 3);

    expect(most).toBe(3);
  });
});
