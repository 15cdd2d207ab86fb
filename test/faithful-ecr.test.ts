import { describe, expect, it } from 'vitest';
import { manifestFacts } from './support/faithful-ecr/enrich';
import { createFaultInjector, seededRandom, type Fault } from './support/faithful-ecr/faults';
import { createPageTokens } from './support/faithful-ecr/page-token';
import { imageIndex, imageManifest, MEDIA_TYPES, referrerArtifact } from '../scripts/seed/images';

describe('faithful ECR layer: fault injector', () => {
  it('injects each fault at about its configured rate', () => {
    const faults = createFaultInjector({ throttle: 0.2, serverError: 0.05, reset: 0.02 }, seededRandom(1));
    const counts: Record<Fault['kind'], number> = { throttle: 0, serverError: 0, reset: 0 };
    const draws = 20_000;
    for (let i = 0; i < draws; i++) {
      const { fault } = faults.decide();
      if (fault) counts[fault.kind]++;
    }
    expect(counts.throttle / draws).toBeCloseTo(0.2, 1);
    expect(counts.serverError / draws).toBeCloseTo(0.05, 1);
    expect(counts.reset / draws).toBeCloseTo(0.02, 1);
  });

  it('replays the same decisions for the same seed', () => {
    const decisions = (seed: number) => {
      const faults = createFaultInjector({ throttle: 0.3, serverError: 0.3, latencyMs: [0, 50] }, seededRandom(seed));
      return Array.from({ length: 50 }, () => faults.decide());
    };
    expect(decisions(9)).toEqual(decisions(9));
    expect(decisions(9)).not.toEqual(decisions(10));
  });

  it('keeps every delay inside the latency range', () => {
    const faults = createFaultInjector({ latencyMs: [10, 20] }, seededRandom(3));
    const delays = Array.from({ length: 200 }, () => faults.decide().delayMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...delays)).toBeLessThanOrEqual(20);
  });

  it('refuses rates outside 0..1 and an inverted latency range', () => {
    expect(() => createFaultInjector({ reset: -0.1 }, Math.random)).toThrow(/reset/);
    expect(() => createFaultInjector({ latencyMs: [20, 10] }, Math.random)).toThrow(/latencyMs/);
  });
});

describe('faithful ECR layer: page tokens', () => {
  const position = { action: 'DescribeImages', scope: 'scope-a', after: 'sha256:abc' };

  it('reads back the position a token was issued for', () => {
    const tokens = createPageTokens();
    expect(tokens.read(tokens.issue(position), 'DescribeImages', 'scope-a')).toEqual(position);
  });

  it('reads nothing from a token for another action or request, or issued by another layer', () => {
    const tokens = createPageTokens();
    const token = tokens.issue(position);
    expect(tokens.read(token, 'ListImages', 'scope-a')).toBeUndefined();
    expect(tokens.read(token, 'DescribeImages', 'scope-b')).toBeUndefined();
    expect(createPageTokens().read(token, 'DescribeImages', 'scope-a')).toBeUndefined();
  });

  it('reads nothing from an altered or truncated token', () => {
    const tokens = createPageTokens();
    const token = tokens.issue(position);
    const altered = token.slice(0, 5) + (token[5] === 'x' ? 'y' : 'x') + token.slice(6);
    expect(tokens.read(altered, 'DescribeImages', 'scope-a')).toBeUndefined();
    expect(tokens.read(token.slice(0, 20), 'DescribeImages', 'scope-a')).toBeUndefined();
    expect(tokens.read('', 'DescribeImages', 'scope-a')).toBeUndefined();
  });
});

describe('faithful ECR layer: manifest facts', () => {
  const image = imageManifest('facts');

  it('takes the subject and artifactType of a referrer', () => {
    expect(manifestFacts(referrerArtifact(image, 'sig').manifest)).toEqual({
      subjectManifestDigest: image.digest,
      artifactMediaType: MEDIA_TYPES.cosignSignature,
    });
  });

  it('takes the config media type of an image, and nothing from an index or a text that is not JSON', () => {
    expect(manifestFacts(imageManifest('oci', { format: 'oci' }).manifest)).toEqual({ artifactMediaType: MEDIA_TYPES.ociConfig });
    expect(manifestFacts(imageIndex([image]).manifest)).toEqual({});
    expect(manifestFacts('not json')).toEqual({});
  });
});
