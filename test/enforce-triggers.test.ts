import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { matchesPattern } from './support/event-pattern';
import { sampleEvent } from './support/sample-events';

interface FunctionConfig {
  handler: string;
  events?: { schedule?: { rate: string }; eventBridge?: { pattern: Record<string, never> } }[];
}

const serverless = parse(readFileSync(join(import.meta.dirname, '..', 'serverless.yml'), 'utf8')) as {
  params: { default: Record<string, string> };
  functions: Record<string, FunctionConfig>;
};
const driftPattern = serverless.functions['on-drift']!.events![0]!.eventBridge!.pattern;

describe('serverless.yml triggers of enforcement', () => {
  it('runs enforce on the enforceSchedule param, every 6 hours by default', () => {
    expect(serverless.functions.enforce!.events).toEqual([{ schedule: { rate: '${param:enforceSchedule}' } }]);
    expect(serverless.params.default.enforceSchedule).toBe('rate(6 hours)');
  });

  it.each([
    'cloudtrail-create-repository.json',
    'cloudtrail-put-image-tag-mutability.json',
    'cloudtrail-put-image-scanning-configuration.json',
    'cloudtrail-put-replication-configuration.json',
  ])('sends the CloudTrail event %s to on-drift', (file) => {
    expect(matchesPattern(driftPattern, sampleEvent(file))).toBe(true);
  });

  it('does not send a call ECR refused to on-drift', () => {
    expect(matchesPattern(driftPattern, sampleEvent('cloudtrail-put-image-tag-mutability-denied.json'))).toBe(false);
  });

  it('does not send other ECR calls to on-drift', () => {
    const event = sampleEvent('cloudtrail-put-image-tag-mutability.json', (e) => (e.detail.eventName = 'DeleteRepository'));
    expect(matchesPattern(driftPattern, event)).toBe(false);
  });
});
