import type { ImageDetail } from '@aws-sdk/client-ecr';
import { isTagged } from '../registry';
import type { RetentionPolicy } from '../retention/policy-schema';
import { judgeTaggedImages, type RetentionVerdict } from '../retention/select';
import type { WalkedRepository } from '../walker';
import { INDEX_MEDIA_TYPES } from './media-types';
import type {
  ArchiveDecision,
  CleanupImage,
  CleanupRules,
  DeleteDecision,
  DeleteReason,
  KeepDecision,
  KeepReason,
  OrphanedSignatureTag,
  RepositoryCleanupPlan,
  RepositoryImages,
} from './types';

const DAY_MS = 86_400_000;

/** Old-style cosign tags: `sha256-<hex>.sig` (signature), `.att` (attestation), `.sbom`. */
const COSIGN_TAG = /^sha256-([a-f0-9]{64})\.(sig|att|sbom)$/;

/** What {@link planRepositoryCleanup} needs besides the images. */
export interface PlanOptions {
  rules: CleanupRules;
  now: Date;
  /** Deletions this plan may still make: the run's cap minus what other repositories took (Infinity: none). */
  cap: number;
  /** The repository opts out with the skip tag: nothing is deleted. */
  skipped?: boolean;
  /** Users of the repository's images in use, by digest (see `usersByDigest`): never deleted nor archived. */
  inUse?: ReadonlyMap<string, readonly string[]>;
  /** In-use sources that failed for this target: nothing is deleted nor archived (fail closed). */
  inUseFailures?: readonly string[];
  /** Retention rules for tagged images; without them no tagged image goes. */
  retention?: RetentionPolicy;
}

/** The reasons that come from an image's own facts, before any reference is considered. */
export type OwnKeepReason = Extract<KeepReason, 'tagged' | 'not-active' | 'young' | 'recently-pulled'>;

/**
 * Why an image stays on its own account: tagged, not active (archived), younger than the threshold (or of
 * unknown age), or pulled recently. `undefined` when nothing of its own keeps it. Apply's re-check uses it too.
 */
export function ownKeepReason(image: ImageDetail, rules: CleanupRules, now: Date): OwnKeepReason | undefined {
  if (isTagged(image)) return 'tagged';
  if ((image.imageStatus ?? 'ACTIVE') !== 'ACTIVE') return 'not-active';
  const pushed = image.imagePushedAt?.getTime();
  if (pushed === undefined || pushed > now.getTime() - rules.untaggedOlderThanDays * DAY_MS) return 'young';
  const pulled = image.lastRecordedPullTime?.getTime();
  if (rules.keepPulledWithinDays !== null && pulled !== undefined && pulled > now.getTime() - rules.keepPulledWithinDays * DAY_MS) {
    return 'recently-pulled';
  }
  return undefined;
}

/**
 * Why an image a retention rule expired must stay after all, judged on fresh facts just before apply: its
 * tags changed, it is no longer active, or it was pulled since the plan. Apply's re-check uses it.
 */
export function expiredKeepReason(current: ImageDetail, planned: CleanupImage): OwnKeepReason | undefined {
  const tags = [...(current.imageTags ?? [])].sort();
  if (tags.length === 0 || tags.join(',') !== [...planned.tags].sort().join(',')) return 'tagged';
  if ((current.imageStatus ?? 'ACTIVE') !== 'ACTIVE') return 'not-active';
  const pulled = current.lastRecordedPullTime?.getTime();
  if (pulled !== undefined && pulled > (planned.lastPulledAt ? Date.parse(planned.lastPulledAt) : Number.NEGATIVE_INFINITY)) return 'recently-pulled';
  return undefined;
}

/** The facts of an image a plan shows. */
export function toCleanupImage(image: ImageDetail): CleanupImage {
  return {
    digest: image.imageDigest ?? '',
    tags: image.imageTags ?? [],
    sizeBytes: image.imageSizeInBytes ?? 0,
    status: image.imageStatus ?? 'ACTIVE',
    ...(image.imageManifestMediaType ? { mediaType: image.imageManifestMediaType } : {}),
    ...(image.artifactMediaType ? { artifactMediaType: image.artifactMediaType } : {}),
    ...(image.subjectManifestDigest ? { subject: image.subjectManifestDigest } : {}),
    ...(image.imagePushedAt ? { pushedAt: image.imagePushedAt.toISOString() } : {}),
    ...(image.lastRecordedPullTime ? { lastPulledAt: image.lastRecordedPullTime.toISOString() } : {}),
  };
}

/** A reference between two images present: an index lists a child, or an artifact names its subject. */
interface Edge {
  from: string;
  to: string;
  via: 'index' | 'subject';
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The references among the images present, both ways. */
function referenceGraph(present: ReadonlyMap<string, ImageDetail>, children: RepositoryImages['children']) {
  const down = new Map<string, Edge[]>();
  const up = new Map<string, Edge[]>();
  const add = (edge: Edge) => {
    if (edge.from === edge.to || !present.has(edge.from) || !present.has(edge.to)) return;
    pushTo(down, edge.from, edge);
    pushTo(up, edge.to, edge);
  };
  for (const [index, listed] of children) for (const child of new Set(listed)) add({ from: index, to: child, via: 'index' });
  for (const [digest, image] of present) {
    if (image.subjectManifestDigest) add({ from: image.subjectManifestDigest, to: digest, via: 'subject' });
  }
  return { down: (d: string) => down.get(d) ?? [], up: (d: string) => up.get(d) ?? [] };
}

function pushedMs(image: ImageDetail | undefined): number {
  return image?.imagePushedAt?.getTime() ?? Number.POSITIVE_INFINITY;
}

/**
 * Splits garbage into groups joined by references (an index with its garbage children, a subject with its
 * garbage referrers), each ordered parents first. Groups come oldest first; the cap takes or leaves each whole,
 * so a cut never leaves an index without its children nor deletes a child before its index.
 */
function garbageGroups(garbage: readonly string[], present: ReadonlyMap<string, ImageDetail>, graph: ReturnType<typeof referenceGraph>): string[][] {
  const inGarbage = new Set(garbage);
  const root = new Map(garbage.map((d) => [d, d]));
  const find = (d: string): string => {
    let r = d;
    while (root.get(r) !== r) r = root.get(r)!;
    root.set(d, r);
    return r;
  };
  for (const d of garbage) {
    for (const e of graph.down(d)) if (inGarbage.has(e.to)) root.set(find(e.to), find(d));
  }
  const members = new Map<string, string[]>();
  for (const d of garbage) pushTo(members, find(d), d);

  const byAge = (a: string, b: string) => pushedMs(present.get(a)) - pushedMs(present.get(b)) || (a < b ? -1 : a > b ? 1 : 0);
  const groups = [...members.values()].map((group) => {
    // Kahn's order within the group: an image comes once every garbage image that refers to it has come.
    const set = new Set(group);
    const waiting = new Map(group.map((d) => [d, graph.up(d).filter((e) => set.has(e.from)).length]));
    const ordered: string[] = [];
    const ready = group.filter((d) => waiting.get(d) === 0).sort(byAge);
    while (ready.length > 0) {
      const next = ready.shift()!;
      ordered.push(next);
      for (const e of graph.down(next)) {
        if (!set.has(e.to)) continue;
        const left = waiting.get(e.to)! - 1;
        waiting.set(e.to, left);
        if (left === 0) ready.push(e.to);
      }
      ready.sort(byAge);
    }
    // Content-addressed digests cannot refer in a circle; should an endpoint say otherwise, keep them last.
    if (ordered.length < group.length) {
      const placed = new Set(ordered);
      ordered.push(...group.filter((d) => !placed.has(d)).sort(byAge));
    }
    return { ordered, oldest: group.reduce((min, d) => Math.min(min, pushedMs(present.get(d))), Number.POSITIVE_INFINITY) };
  });
  return groups.sort((a, b) => a.oldest - b.oldest || byAge(a.ordered[0]!, b.ordered[0]!)).map((g) => g.ordered);
}

function deleteReason(digest: string, image: ImageDetail, deletedParents: readonly Edge[], present: ReadonlyMap<string, ImageDetail>, isIndex: boolean): DeleteReason {
  if (deletedParents.some((e) => e.via === 'index')) return 'child-of-deleted-index';
  if (image.subjectManifestDigest && image.subjectManifestDigest !== digest) {
    return present.has(image.subjectManifestDigest) ? 'referrer-of-deleted-subject' : 'orphaned-artifact';
  }
  return isIndex ? 'unreferenced-index' : 'untagged';
}

/** Tagged old-style cosign images whose image is no longer in the repository. */
function orphanedSignatureTags(present: ReadonlyMap<string, ImageDetail>): OrphanedSignatureTag[] {
  const orphans: OrphanedSignatureTag[] = [];
  for (const [digest, image] of present) {
    for (const tag of image.imageTags ?? []) {
      const match = COSIGN_TAG.exec(tag);
      if (match && !present.has(`sha256:${match[1]}`)) orphans.push({ tag, digest, subject: `sha256:${match[1]}` });
    }
  }
  return orphans;
}

/**
 * The cleanup plan of one repository, decided without any call: which images to delete, in which order,
 * and why every other image stays. Pure: same images, options and clock, same plan.
 *
 * An image is kept when it is tagged, archived, younger than `untaggedOlderThanDays` (or of unknown age),
 * pulled within `keepPulledWithinDays`, listed (transitively) by a kept index, or an artifact whose subject
 * is kept, that could not be identified (its manifest had to be read and could not be), or that is in use
 * (`inUse`: never deleted nor archived, by any rule). With `retention`, a tagged image a rule expires (see
 * `judgeTaggedImages`) joins the garbage (`delete`) or is archived (`archive`; what it refers to stays). The rest is garbage, deleted parents first (an index before its children, a subject before its
 * referrers) in whole groups while the cap allows, then archives oldest first in the room left, unless the
 * repository is skipped, an index could not be read (then its children are unknown) or an in-use source failed
 * (`inUseFailures`): then nothing is deleted nor archived.
 *
 * @example
 * const plan = planRepositoryCleanup(await readRepositoryImages(ecr, repo), { rules: policy.cleanup, now: new Date(), cap: 500 });
 * for (const d of plan.delete) console.log(d.image.digest, d.reason);
 */
export function planRepositoryCleanup(images: RepositoryImages, options: PlanOptions): RepositoryCleanupPlan {
  const present = new Map<string, ImageDetail>();
  for (const image of images.images) if (image.imageDigest && !present.has(image.imageDigest)) present.set(image.imageDigest, image);
  const graph = referenceGraph(present, images.children);
  const verdicts: ReadonlyMap<string, RetentionVerdict> = options.retention
    ? judgeTaggedImages([...present.values()], images.repositoryName, options.retention, options.now)
    : new Map();

  // Keep what keeps itself; note what retention expires.
  const kept = new Map<string, KeepDecision>();
  const expired = new Map<string, Extract<RetentionVerdict, { verdict: 'expire' }>>();
  const queue: string[] = [];
  const unidentified = new Set((images.unidentified ?? []).map((u) => u.digest));
  const keep = (digest: string, decision: KeepDecision) => {
    kept.set(digest, decision);
    expired.delete(digest);
    queue.push(digest);
  };
  for (const [digest, image] of present) {
    const cleanupImage = toCleanupImage(image);
    const users = options.inUse?.get(digest);
    if (users && users.length > 0) {
      keep(digest, { action: 'keep', reason: 'in-use', image: cleanupImage, users: [...users] });
      continue;
    }
    const own = ownKeepReason(image, options.rules, options.now);
    const verdict = own === 'tagged' ? verdicts.get(digest) : undefined;
    if (verdict?.verdict === 'expire') {
      if (unidentified.has(digest)) keep(digest, { action: 'keep', reason: 'unidentified', image: cleanupImage });
      else expired.set(digest, verdict);
    } else if (verdict?.verdict === 'keep' && verdict.reason !== 'not-selected') {
      keep(digest, 'rule' in verdict ? { action: 'keep', reason: verdict.reason, image: cleanupImage, rule: verdict.rule } : { action: 'keep', reason: verdict.reason, image: cleanupImage });
    } else if (own) {
      keep(digest, { action: 'keep', reason: own, image: cleanupImage });
    } else if (unidentified.has(digest)) {
      keep(digest, { action: 'keep', reason: 'unidentified', image: cleanupImage });
    }
  }
  // Then everything a kept image refers to, transitively; an expired image a kept index lists stays too.
  const follow = (fromArchive: boolean) => {
    for (let i = 0; i < queue.length; i++) {
      const parent = queue[i]!;
      for (const edge of graph.down(parent)) {
        if (kept.has(edge.to) || (fromArchive && expired.get(edge.to)?.action === 'archive')) continue;
        const reason = edge.via === 'index' ? 'child-of-index' : 'referrer-of-present-subject';
        keep(edge.to, { action: 'keep', reason, image: toCleanupImage(present.get(edge.to)!), keptBy: parent });
      }
    }
  };
  follow(false);
  // An archived image still holds its references: what an image to archive refers to stays as well.
  const toArchive = [...expired].filter(([, v]) => v.action === 'archive').map(([d]) => d);
  queue.length = 0;
  queue.push(...toArchive);
  follow(true);

  const inArchive = new Set(toArchive);
  const garbage = [...present.keys()].filter((d) => !kept.has(d) && !inArchive.has(d));
  const hold: KeepReason | undefined =
    (options.inUseFailures ?? []).length > 0 ? 'in-use-unknown' : images.unreadable.length > 0 ? 'unreadable-index' : options.skipped ? 'skipped' : undefined;
  const deletes: DeleteDecision[] = [];
  const archives: ArchiveDecision[] = [];
  const keepGarbage = (digests: readonly string[], reason: 'in-use-unknown' | 'unreadable-index' | 'skipped' | 'cap-reached') => {
    for (const d of digests) kept.set(d, { action: 'keep', reason, image: toCleanupImage(present.get(d)!) });
  };

  if (hold === 'in-use-unknown' || hold === 'unreadable-index' || hold === 'skipped') {
    keepGarbage([...garbage, ...toArchive], hold);
  } else {
    let room = Math.max(0, options.cap);
    const inGarbage = new Set(garbage);
    for (const group of garbageGroups(garbage, present, graph)) {
      if (group.length > room) {
        keepGarbage(group, 'cap-reached');
        continue;
      }
      room -= group.length;
      for (const digest of group) {
        const image = present.get(digest)!;
        const deletedParents = graph.up(digest).filter((e) => inGarbage.has(e.from));
        const isIndex = images.children.has(digest) || INDEX_MEDIA_TYPES.includes(image.imageManifestMediaType ?? '');
        const rule = expired.get(digest)?.rule;
        deletes.push({
          action: 'delete',
          reason: rule !== undefined ? 'expired' : deleteReason(digest, image, deletedParents, present, isIndex),
          image: toCleanupImage(image),
          after: [...new Set(deletedParents.map((e) => e.from))],
          group: group[0]!,
          ...(rule !== undefined ? { rule } : {}),
        });
      }
    }
    const oldestFirst = [...toArchive].sort((a, b) => pushedMs(present.get(a)) - pushedMs(present.get(b)) || (a < b ? -1 : 1));
    for (const digest of oldestFirst) {
      if (room < 1) {
        keepGarbage([digest], 'cap-reached');
        continue;
      }
      room--;
      archives.push({ action: 'archive', reason: 'expired', image: toCleanupImage(present.get(digest)!), rule: expired.get(digest)!.rule });
    }
  }

  const tally = (list: readonly { image: CleanupImage }[]) => ({ count: list.length, bytes: list.reduce((n, d) => n + d.image.sizeBytes, 0) });
  return {
    repositoryName: images.repositoryName,
    ...(images.registryId ? { registryId: images.registryId } : {}),
    delete: deletes,
    archive: archives,
    keep: [...present.keys()].filter((d) => kept.has(d)).map((d) => kept.get(d)!),
    orphanedSignatureTags: orphanedSignatureTags(present),
    unreadableIndexes: images.unreadable,
    reclaim: tally(deletes),
    archiving: tally(archives),
    ...((options.inUseFailures ?? []).length > 0 ? { inUseFailures: [...options.inUseFailures!] } : {}),
  };
}

/** Deletions a run may still plan; the repositories of a run draw on one budget. */
export interface CleanupBudget {
  remaining: number;
}

/** What {@link planWalkedRepository} plans with besides the images. */
export interface WalkedPlanOptions extends Pick<PlanOptions, 'inUse' | 'inUseFailures' | 'retention'> {
  rules: CleanupRules;
  now: Date;
  budget: CleanupBudget;
}

/**
 * Plans one walked repository: looks the skip tag up only when there is something to delete or archive (one
 * ListTagsForResource at most, none for a clean repository), then plans within the run's budget and takes
 * what it plans (deletions and archives) from it. The budget is drawn synchronously after the last await, so
 * repositories planned concurrently never overdraw it.
 *
 * @example
 * const plan = await planWalkedRepository(repo, await readRepositoryImages(ecr, repo), { rules: policy.cleanup, now, budget, retention: policy.retention });
 */
export async function planWalkedRepository(repo: Pick<WalkedRepository, 'isSkipped'>, images: RepositoryImages, options: WalkedPlanOptions): Promise<RepositoryCleanupPlan> {
  const { budget, ...rest } = options;
  const unbounded: PlanOptions = { ...rest, cap: Number.POSITIVE_INFINITY };
  const draft = planRepositoryCleanup(images, unbounded);
  const drawn = (plan: RepositoryCleanupPlan) => plan.delete.length + plan.archive.length;
  if (drawn(draft) === 0) return draft;
  const skipped = await repo.isSkipped();
  // From here on nothing awaits: the budget is read and drawn in one go.
  const fits = !skipped && drawn(draft) <= budget.remaining;
  const plan = fits ? draft : planRepositoryCleanup(images, { ...unbounded, cap: budget.remaining, skipped });
  budget.remaining -= drawn(plan);
  return plan;
}
