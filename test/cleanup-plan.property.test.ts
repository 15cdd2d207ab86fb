import type { ImageDetail } from '@aws-sdk/client-ecr';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planRepositoryCleanup, type PlanOptions } from '../lib/cleanup/plan';
import type { RepositoryImages } from '../lib/cleanup/types';
import { NOW, digestOf, image } from './support/cleanup-images';

const DAY_MS = 86_400_000;

/** One generated image: its own facts, and references to images generated before it (so none is circular). */
const arbImage = fc.record({
  tagged: fc.constantFrom(true, false, false),
  halfDays: fc.integer({ min: 0, max: 60 }),
  pulledDaysAgo: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
  archived: fc.constantFrom(false, false, false, false, true),
  kind: fc.constantFrom('plain', 'plain', 'index', 'artifact'),
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
  subjectGone: fc.constantFrom(false, false, true),
});

const arbRegistry = fc.record({
  images: fc.array(arbImage, { minLength: 1, maxLength: 40 }),
  untaggedOlderThanDays: fc.integer({ min: 0, max: 20 }),
  keepPulledWithinDays: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
  cap: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constant(Number.POSITIVE_INFINITY)),
  skipped: fc.constantFrom(false, false, false, false, true),
  unreadable: fc.constantFrom(false, false, false, false, false, false, false, true),
});

type Generated = typeof arbRegistry extends fc.Arbitrary<infer T> ? T : never;

/** Builds the repository read, and who refers to whom (index -> children, subject -> referrers). */
function build(g: Generated): { images: RepositoryImages; options: PlanOptions; refersTo: Map<string, string[]> } {
  const details: ImageDetail[] = [];
  const children = new Map<string, string[]>();
  const refersTo = new Map<string, string[]>();
  const link = (from: string, to: string) => refersTo.set(from, [...(refersTo.get(from) ?? []), to]);
  g.images.forEach((spec, i) => {
    const name = `img-${i}`;
    const earlier = (p: number) => `img-${p % i}`;
    const subject = spec.kind === 'artifact' ? (spec.subjectGone || i === 0 ? `gone-${i}` : earlier(spec.picks[0]!)) : undefined;
    details.push(
      image(name, {
        ...(spec.tagged ? { tags: [`t${i}`] } : {}),
        ageDays: spec.halfDays / 2,
        ...(spec.pulledDaysAgo !== undefined ? { pulledDaysAgo: spec.pulledDaysAgo } : {}),
        ...(spec.archived ? { status: 'ARCHIVED' as const } : {}),
        index: spec.kind === 'index',
        ...(subject ? { subject } : {}),
      }),
    );
    if (subject && !subject.startsWith('gone-')) link(digestOf(subject), digestOf(name));
    if (spec.kind === 'index' && i > 0) {
      const kids = [...new Set(spec.picks.map((p) => digestOf(earlier(p))))];
      children.set(digestOf(name), kids);
      for (const kid of kids) link(digestOf(name), kid);
    }
  });
  const indexes = [...children.keys()];
  return {
    images: {
      repositoryName: 'team/app',
      images: details,
      children,
      unreadable: g.unreadable && indexes.length > 0 ? [{ digest: indexes[0]!, code: 'KmsError', message: 'unreadable' }] : [],
    },
    options: {
      rules: { untaggedOlderThanDays: g.untaggedOlderThanDays, keepPulledWithinDays: g.keepPulledWithinDays },
      now: NOW,
      cap: g.cap,
      skipped: g.skipped,
    },
    refersTo,
  };
}

/** The images that must stay, computed independently of the plan: own reasons, then a fixpoint over references. */
function mustKeep(images: readonly ImageDetail[], refersTo: ReadonlyMap<string, string[]>, options: PlanOptions): Set<string> {
  const { untaggedOlderThanDays: age, keepPulledWithinDays: pulled } = options.rules;
  const keep = new Set(
    images
      .filter(
        (i) =>
          (i.imageTags?.length ?? 0) > 0 ||
          i.imageStatus === 'ARCHIVED' ||
          i.imagePushedAt!.getTime() > NOW.getTime() - age * DAY_MS ||
          (pulled !== null && i.lastRecordedPullTime !== undefined && i.lastRecordedPullTime.getTime() > NOW.getTime() - pulled * DAY_MS),
      )
      .map((i) => i.imageDigest!),
  );
  for (let changed = true; changed; ) {
    changed = false;
    for (const [from, tos] of refersTo) {
      if (!keep.has(from)) continue;
      for (const to of tos) {
        if (keep.has(to)) continue;
        keep.add(to);
        changed = true;
      }
    }
  }
  return keep;
}

function parentsOf(digest: string, refersTo: ReadonlyMap<string, string[]>): string[] {
  return [...refersTo].filter(([, tos]) => tos.includes(digest)).map(([from]) => from);
}

describe('planRepositoryCleanup over random registries', () => {
  it('never deletes what must stay, never exceeds the cap, and deletes parents before children', () => {
    fc.assert(
      fc.property(arbRegistry, (g) => {
        const { images, options, refersTo } = build(g);
        const plan = planRepositoryCleanup(images, options);
        const keep = mustKeep(images.images, refersTo, options);
        const position = new Map(plan.delete.map((d, i) => [d.image.digest, i]));

        expect(plan.delete.length).toBeLessThanOrEqual(options.cap);
        for (const d of plan.delete) {
          // Not tagged, not young, not archived, not pulled recently, not referred to by anything kept.
          expect(keep.has(d.image.digest)).toBe(false);
          expect(d.image.tags).toEqual([]);
          expect(Date.parse(d.image.pushedAt!)).toBeLessThanOrEqual(NOW.getTime() - options.rules.untaggedOlderThanDays * DAY_MS);
          // Every index listing it and its subject, when present, are deleted too, and earlier.
          for (const parent of parentsOf(d.image.digest, refersTo)) {
            expect(position.get(parent)).toBeLessThan(position.get(d.image.digest)!);
          }
        }
        if (options.skipped || images.unreadable.length > 0) expect(plan.delete).toEqual([]);
        expect(plan.delete.length + plan.keep.length).toBe(new Set(images.images.map((i) => i.imageDigest)).size);
      }),
      { numRuns: 1000 },
    );
  });

  it('takes garbage in whole groups: a deleted image takes along every garbage image it refers to', () => {
    fc.assert(
      fc.property(arbRegistry, (g) => {
        const { images, options, refersTo } = build(g);
        const uncapped = new Set(planRepositoryCleanup(images, { ...options, cap: Number.POSITIVE_INFINITY }).delete.map((d) => d.image.digest));
        const deleted = new Set(planRepositoryCleanup(images, options).delete.map((d) => d.image.digest));
        for (const digest of deleted) {
          for (const child of refersTo.get(digest) ?? []) if (uncapped.has(child)) expect(deleted.has(child)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('deletes all the garbage when nothing holds it back', () => {
    fc.assert(
      fc.property(arbRegistry, (g) => {
        const { images, options, refersTo } = build({ ...g, skipped: false, unreadable: false, cap: Number.POSITIVE_INFINITY });
        const plan = planRepositoryCleanup(images, options);
        const keep = mustKeep(images.images, refersTo, options);
        const garbage = images.images.map((i) => i.imageDigest!).filter((d) => !keep.has(d));
        expect(plan.delete.map((d) => d.image.digest).sort()).toEqual([...new Set(garbage)].sort());
      }),
      { numRuns: 500 },
    );
  });
});
