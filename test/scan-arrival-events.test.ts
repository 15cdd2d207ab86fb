import { readFileSync } from 'node:fs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../lib/policy';
import { ImageArrivalEventSchema, scanRequestFromArrival } from '../lib/scan/arrival-event';
import { Inspector2FindingEventSchema, judgeFindingEvent, scanRequestFromFinding } from '../lib/scan/finding-event';
import { parseEvent } from '../lib/validate';

const sample = (name: string) => JSON.parse(readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const digest = 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd12345678';
const policy = parsePolicy({ scan: { waitSeconds: 45 } });

describe('image arrival events: push, replication, pull through cache', () => {
  it('treats a replicated image as a push in the destination registry, its repository ARN from resources', () => {
    const event = parseEvent(ImageArrivalEventSchema, sample('ecr-replication.json'), 'arrival');

    expect(scanRequestFromArrival(event, policy)).toEqual({
      image: { repositoryName: 'team/api', imageDigest: digest, imageTags: ['1.4.2'], repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/team/api' },
      trigger: 'push',
      waitSeconds: 45,
      scope: 'policy',
    });
  });

  it('treats an image a pull through cache brought in as a push in this registry', () => {
    const event = parseEvent(ImageArrivalEventSchema, sample('ecr-pull-through-cache.json'), 'arrival');

    expect(scanRequestFromArrival(event, policy)).toMatchObject({
      image: { repositoryName: 'docker-hub/alpine', imageDigest: digest, imageTags: ['3.17.2'], repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/docker-hub/alpine' },
      trigger: 'push',
    });
  });

  it('still reads the push event, and builds the ARN when resources are empty', () => {
    const event = parseEvent(ImageArrivalEventSchema, sample('ecr-image-push.json'), 'arrival');

    expect(scanRequestFromArrival(event, policy).image.repositoryArn).toBe('arn:aws:ecr:us-east-1:123456789012:repository/team/api');
  });

  it('builds a repository ARN from the event when resources name another repository', () => {
    const event = parseEvent(ImageArrivalEventSchema, { ...sample('ecr-replication.json'), resources: ['arn:aws:ecr:us-east-1:123456789012:repository/other'] }, 'arrival');

    expect(scanRequestFromArrival(event, policy).image.repositoryArn).toBe('arn:aws:ecr:us-east-1:123456789012:repository/team/api');
  });
});

describe('Inspector2 Finding event', () => {
  it("re-judges the finding's image without starting a scan or waiting", () => {
    const event = parseEvent(Inspector2FindingEventSchema, sample('inspector2-finding-ecr.json'), 'finding');

    expect(scanRequestFromFinding(event)).toEqual({
      image: { repositoryName: 'team/api', imageDigest: digest, imageTags: ['1.4.2'], repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/team/api' },
      trigger: 'finding',
      waitSeconds: 0,
      scope: 'policy',
    });
  });

  it("leaves an image in a member account's registry alone (delegated administrator), with no AWS call", async () => {
    const raw = sample('inspector2-finding-ecr.json') as { detail: { resources: { details: { awsEcrContainerImage: { registry: string } } }[] } };
    raw.detail.resources[0]!.details.awsEcrContainerImage.registry = '210987654321';
    const event = parseEvent(Inspector2FindingEventSchema, raw, 'finding');
    const ecr = mockClient(ECRClient);

    const run = await judgeFindingEvent({ ecr: new ECRClient({}) }, parsePolicy({}), event);

    expect(run.outcome).toMatchObject({ kind: 'out-of-scope', reason: expect.stringContaining('registry 210987654321') });
    expect(ecr.calls()).toHaveLength(0);
    ecr.restore();
  });
});
