import { Readable } from 'node:stream';
import { ECRClient, StartImageScanCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { failFastOn } from '../lib/aws/fail-fast';

/** An ECR client whose transport answers every request with ECR's LimitExceededException, counting attempts. */
function limitedClient() {
  const seen = { attempts: 0 };
  const ecr = new ECRClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 2,
    retryMode: 'standard',
    requestHandler: {
      handle: async () => {
        seen.attempts++;
        const body = JSON.stringify({ __type: 'LimitExceededException', message: 'The scan quota per image has been exceeded. Wait and try again.' });
        return { response: { statusCode: 400, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([Buffer.from(body)]) } };
      },
    } as never,
  });
  return { ecr, seen };
}

const input = { repositoryName: 'team/api', imageId: { imageDigest: `sha256:${'a'.repeat(64)}` } };

describe('failFastOn', () => {
  it('the SDK on its own retries LimitExceededException as throttling', async () => {
    const { ecr, seen } = limitedClient();
    await expect(ecr.send(new StartImageScanCommand(input))).rejects.toMatchObject({ name: 'LimitExceededException' });
    expect(seen.attempts).toBe(2);
  }, 30_000);

  it('makes the command give up at the first LimitExceededException, keeping the error name', async () => {
    const { ecr, seen } = limitedClient();
    await expect(ecr.send(failFastOn(new StartImageScanCommand(input), ['LimitExceededException']))).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'The scan quota per image has been exceeded. Wait and try again.',
    });
    expect(seen.attempts).toBe(1);
  });
});
