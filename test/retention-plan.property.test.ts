import type { ImageDetail } from '@aws-sdk/client-ecr';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { planRepositoryCleanup, type PlanOptions } from '../lib/cleanup/plan';
import type { RepositoryImages } from '../lib/cleanup/types';
import { parsePolicy } from '../lib/policy';
import type { RetentionPolicy } from '../lib/retention/policy-schema';
import { NOW, digestOf, image } from './support/cleanup-images';

/** Tag sets an image may carry: untagged, inside one rule, inside both, protected, or with a tag outside every rule. */
const TAG_SETS: string[][] = [[], [], ['pr-{i}'], ['pr-{i}'], ['sha-{i}'], ['pr-{i}', 'sha-{i}'], ['latest'], ['pr-{i}', 'latest'], ['v{i}'], ['pr-{i}', 'v{i}']];

const arbImage = fc.record({
  tags: fc.nat({ max: TAG_SETS.length - 1 }),
  halfDays: fc.integer({ min: 0, max: 80 }),
  pulledDaysAgo: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
  archived: fc.constantFrom(false, false, false, false, true),
  kind: fc.constantFrom('plain', 'plain', 'index', 'artifact'),
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  inUse: fc.constantFrom(false, false, false, false, true),
  unidentified: fc.constantFrom(false, false, false, false, false, false, true),
});

const arbRule = fc.record({
  tags: fc.constantFrom(['pr-*'], ['sha-*'], ['pr-*', 'sha-*'], ['*']),
  keepLast: fc.integer({ min: 0, max: 4 }),
  olderThanDays: fc.integer({ min: 0, max: 30 }),
  notPulledForDays: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
  action: fc.constantFrom('delete', 'archive'),
});

const arbCase = fc.record({
  images: fc.array(arbImage, { minLength: 1, maxLength: 40 }),
  rules: fc.array(arbRule, { minLength: 0, maxLength: 3 }),
  protectTags: fc.constantFrom([], ['latest'], ['v*']),
  untaggedOlderThanDays: fc.integer({ min: 0, max: 20 }),
  cap: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constant(Number.POSITIVE_INFINITY)),
  inUseFailed: fc.constantFrom(false, false, false, false, false, true),
});

type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case): { images: RepositoryImages; options: PlanOptions; refersTo: Map<string, string[]>; inUse: Set<string>; unidentified: Set<string> } {
  const details: ImageDetail[] = [];
  const children = new Map<string, string[]>();
  const refersTo = new Map<string, string[]>();
  const inUse = new Set<string>();
  const unidentified = new Set<string>();
  const link = (from: string, to: string) => refersTo.set(from, [...(refersTo.get(from) ?? []), to]);
  c.images.forEach((spec, i) => {
    const name = `img-${i}`;
    const earlier = (p: number) => `img-${p % i}`;
    const subject = spec.kind === 'artifact' && i > 0 ? earlier(spec.picks[0]!) : undefined;
    const tags = TAG_SETS[spec.tags]!.map((t) => t.replace('{i}', String(i)));
    details.push(
      image(name, {
        tags,
        ageDays: spec.halfDays / 2,
        ...(spec.pulledDaysAgo !== undefined ? { pulledDaysAgo: spec.pulledDaysAgo } : {}),
        ...(spec.archived ? { status: 'ARCHIVED' as const } : {}),
        index: spec.kind === 'index',
        ...(subject ? { subject } : {}),
      }),
    );
    if (subject) link(digestOf(subject), digestOf(name));
    if (spec.kind === 'index' && i > 0) {
      const kids = [...new Set(spec.picks.map((p) => digestOf(earlier(p))))];
      children.set(digestOf(name), kids);
      for (const kid of kids) link(digestOf(name), kid);
    }
    if (spec.inUse) inUse.add(digestOf(name));
    if (spec.unidentified) unidentified.add(digestOf(name));
  });
  const retention: RetentionPolicy = parsePolicy({ retention: { protectTags: c.protectTags, rules: c.rules } }).retention;
  return {
    images: {
      repositoryName: 'team/app',
      images: details,
      children,
      unreadable: [],
      unidentified: [...unidentified].map((digest) => ({ digest, code: 'KmsError', message: 'unreadable' })),
    },
    options: {
      rules: { untaggedOlderThanDays: c.untaggedOlderThanDays, keepPulledWithinDays: null },
      now: NOW,
      cap: c.cap,
      retention,
      inUse: new Map([...inUse].map((d) => [d, ['arn:aws:ecs:us-east-1:123456789012:service/c/s']])),
      ...(c.inUseFailed ? { inUseFailures: ['ecs'] } : {}),
    },
    refersTo,
    inUse,
    unidentified,
  };
}

/** The newest `keepLast` images of each rule's selection, computed apart from the plan: first matching rule, protected and archived ones out. */
function newestKept(images: readonly ImageDetail[], retention: RetentionPolicy): Set<string> {
  const matcher = retention.protectTags.length > 0 ? picomatch(retention.protectTags) : undefined;
  const isProtected = (tag: string) => matcher?.(tag) ?? false;
  const byRule = new Map<number, ImageDetail[]>();
  for (const i of images) {
    const tags = i.imageTags ?? [];
    if (tags.length === 0 || tags.some(isProtected) || i.imageStatus === 'ARCHIVED') continue;
    const rule = retention.rules.findIndex((r) => {
      const matches = picomatch(r.tags);
      return tags.every((t) => matches(t));
    });
    if (rule >= 0) byRule.set(rule, [...(byRule.get(rule) ?? []), i]);
  }
  const kept = new Set<string>();
  for (const [rule, chosen] of byRule) {
    const sorted = [...chosen].sort((a, b) => b.imagePushedAt!.getTime() - a.imagePushedAt!.getTime() || (a.imageDigest! < b.imageDigest! ? -1 : 1));
    for (const i of sorted.slice(0, retention.rules[rule]!.keepLast)) kept.add(i.imageDigest!);
  }
  return kept;
}

function closure(roots: Iterable<string>, refersTo: ReadonlyMap<string, string[]>): Set<string> {
  const out = new Set(roots);
  const queue = [...out];
  for (let i = 0; i < queue.length; i++) {
    for (const to of refersTo.get(queue[i]!) ?? []) {
      if (out.has(to)) continue;
      out.add(to);
      queue.push(to);
    }
  }
  return out;
}

describe('planRepositoryCleanup with retention and in-use, over random registries', () => {
  it('never deletes or archives an image in use, protected, among the newest keepLast, unidentified, or one they refer to', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const { images, options, refersTo, inUse, unidentified } = build(c);
        const plan = planRepositoryCleanup(images, options);
        const retention = options.retention!;
        const matcher = retention.protectTags.length > 0 ? picomatch(retention.protectTags) : undefined;
        const isProtected = (tag: string) => matcher?.(tag) ?? false;
        const protectedDigests = images.images.filter((i) => (i.imageTags ?? []).some(isProtected)).map((i) => i.imageDigest!);
        const roots = [...inUse, ...protectedDigests, ...newestKept(images.images, retention), ...unidentified];
        const mustStay = closure(roots, refersTo);
        const gone = [...plan.delete, ...plan.archive];

        for (const d of gone) expect(mustStay.has(d.image.digest), `${d.action} ${d.reason} of an image that must stay`).toBe(false);
        if (options.inUseFailures) expect(gone).toEqual([]);
        expect(gone.length).toBeLessThanOrEqual(options.cap);
        // Every image has exactly one decision.
        expect(gone.length + plan.keep.length).toBe(new Set(images.images.map((i) => i.imageDigest)).size);
        // Only what a rule selects is archived, and a tagged image is deleted only when a rule expires it.
        for (const d of plan.delete) if (d.image.tags.length > 0) expect(d.reason).toBe('expired');
      }),
      { numRuns: 1000 },
    );
  });

  it('never archives an image that an image being deleted refers to in its place (archived parents hold their children)', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const { images, options, refersTo } = build(c);
        const plan = planRepositoryCleanup(images, options);
        const deleted = new Set(plan.delete.map((d) => d.image.digest));
        for (const a of plan.archive) for (const to of refersTo.get(a.image.digest) ?? []) expect(deleted.has(to)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
