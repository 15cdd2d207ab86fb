import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { matchesPattern } from './support/event-pattern';

type Pattern = Parameters<typeof matchesPattern>[0];
interface ServerlessFunction {
  events?: { eventBridge?: { pattern: Pattern } }[];
}

const serverless = parse(readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8')) as { functions: Record<string, ServerlessFunction> };
const sample = (name: string) => JSON.parse(readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8')) as unknown;

/** Whether any EventBridge rule of the function in serverless.yml matches the event. */
function triggers(fn: string, event: unknown): boolean {
  const rules = (serverless.functions[fn]?.events ?? []).flatMap((e) => (e.eventBridge ? [e.eventBridge.pattern] : []));
  expect(rules.length).toBeGreaterThan(0);
  return rules.some((pattern) => matchesPattern(pattern, event));
}

describe('scan rules in serverless.yml', () => {
  it('run on-push for a successful push only', () => {
    expect(triggers('on-push', sample('ecr-image-push.json'))).toBe(true);
    expect(triggers('on-push', sample('ecr-image-delete.json'))).toBe(false);
    const failed = sample('ecr-image-push.json') as { detail: Record<string, unknown> };
    expect(triggers('on-push', { ...failed, detail: { ...failed.detail, result: 'FAILURE' } })).toBe(false);
    expect(triggers('on-push', sample('ecr-image-scan-complete.json'))).toBe(false);
  });

  it("run on-scan-complete for ECR's scan event and Inspector's initial scan of an ECR image", () => {
    expect(triggers('on-scan-complete', sample('ecr-image-scan-complete.json'))).toBe(true);
    expect(triggers('on-scan-complete', sample('inspector2-scan-ecr.json'))).toBe(true);
    expect(triggers('on-scan-complete', sample('ecr-image-push.json'))).toBe(false);
  });

  it("leave Inspector's scan events about EC2 instances alone", () => {
    const ec2 = {
      ...(sample('inspector2-scan-ecr.json') as object),
      detail: { 'scan-status': 'INITIAL_SCAN_COMPLETE', 'instance-id': 'i-087d63509b8c97098', 'finding-severity-counts': { TOTAL: 0 } },
    };
    expect(triggers('on-scan-complete', ec2)).toBe(false);
  });
});
