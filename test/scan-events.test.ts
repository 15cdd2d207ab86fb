import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventValidationError, UsageError } from '../lib/errors';
import { parsePolicy } from '../lib/policy';
import { parseImageReference } from '../lib/scan/image-ref';
import { EcrImagePushEventSchema, scanRequestFromPush } from '../lib/scan/push-event';
import { ScanCompleteEventSchema, scanRequestFromScanEvent } from '../lib/scan/scan-event';
import { parseEvent } from '../lib/validate';

const sample = (name: string) => JSON.parse(readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const digest = 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd12345678';

describe('ECR push event', () => {
  it('turns the sample push event into a scan request that waits per the policy', () => {
    const event = parseEvent(EcrImagePushEventSchema, sample('ecr-image-push.json'), 'ECR push event');
    const request = scanRequestFromPush(event, parsePolicy({ scan: { waitSeconds: 120 } }));
    expect(request).toEqual({
      image: { repositoryName: 'team/api', imageDigest: digest, imageTags: ['1.4.2'], repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/team/api' },
      trigger: 'push',
      waitSeconds: 120,
      scope: 'policy',
    });
  });

  it('refuses a DELETE action, naming the field', () => {
    expect(() => parseEvent(EcrImagePushEventSchema, sample('ecr-image-delete.json'), 'ECR push event')).toThrow(/detail\.action-type/);
  });

  it('refuses a malformed digest, naming the field', () => {
    const event = sample('ecr-image-push.json');
    const bad = { ...event, detail: { ...(event.detail as object), 'image-digest': 'sha256:xyz' } };
    let error: unknown;
    try {
      parseEvent(EcrImagePushEventSchema, bad, 'ECR push event');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).issues).toEqual(['detail.image-digest: must be an image digest (sha256:<64 hex>)']);
  });

  it('takes a push by digest only (no tag) as an untagged image', () => {
    const event = sample('ecr-image-push.json');
    const { 'image-tag': _tag, ...detail } = event.detail as Record<string, unknown>;
    const parsed = parseEvent(EcrImagePushEventSchema, { ...event, detail }, 'ECR push event');
    expect(scanRequestFromPush(parsed, parsePolicy({})).image.imageTags).toEqual([]);
  });
});

describe('scan-complete events', () => {
  it('turns the ECR Image Scan sample into a read-only request that does not wait', () => {
    const event = parseEvent(ScanCompleteEventSchema, sample('ecr-image-scan-complete.json'), 'scan-complete event');
    expect(scanRequestFromScanEvent(event)).toEqual({
      image: { repositoryName: 'team/api', imageDigest: digest, imageTags: ['1.4.2'], repositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/team/api' },
      trigger: 'scan-complete',
      waitSeconds: 0,
      scope: 'policy',
    });
  });

  it("reads the repository name out of the ARN Inspector writes in repository-name", () => {
    const event = parseEvent(ScanCompleteEventSchema, sample('inspector2-scan-ecr.json'), 'scan-complete event');
    expect(scanRequestFromScanEvent(event).image).toMatchObject({ repositoryName: 'team/api', imageDigest: digest });
  });

  it('refuses an Inspector scan event about an EC2 instance, naming the field', () => {
    const ec2 = {
      ...sample('inspector2-scan-ecr.json'),
      resources: ['i-087d63509b8c97098'],
      detail: { 'scan-status': 'INITIAL_SCAN_COMPLETE', 'finding-severity-counts': { TOTAL: 0 }, 'instance-id': 'i-087d63509b8c97098', version: '1.0' },
    };
    expect(() => parseEvent(ScanCompleteEventSchema, ec2, 'scan-complete event')).toThrow(/detail\.repository-name/);
  });

  it('refuses another detail-type, naming the field', () => {
    expect(() => parseEvent(ScanCompleteEventSchema, sample('ecr-image-push.json'), 'scan-complete event')).toThrow(/detail-type/);
  });
});

describe('parseImageReference', () => {
  it('reads REPOSITORY:TAG and REPOSITORY@DIGEST', () => {
    expect(parseImageReference('team/api:1.4.2')).toEqual({ repositoryName: 'team/api', tag: '1.4.2' });
    expect(parseImageReference(`team/api@${digest}`)).toEqual({ repositoryName: 'team/api', digest });
  });

  it('refuses a reference without a tag or digest, or with a bad repository name', () => {
    expect(() => parseImageReference('team/api')).toThrow(UsageError);
    expect(() => parseImageReference('Team/API:1')).toThrow(/not an ECR repository name/);
    expect(() => parseImageReference('team/api@sha256:abc')).toThrow(/not an image digest/);
  });
});
