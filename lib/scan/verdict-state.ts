import {
  ConditionalCheckFailedException,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../aws/dynamodb-client';
import { AwsCallError, errorCode } from '../errors';
import { MAX_DYNAMODB_ITEM_BYTES } from '../limits';
import type { ScanImage, ScanVerdict } from './types';
import { verdictChange, type JudgedVerdict, type VerdictChange } from './verdict-change';

/** The environment variable that names the verdict-state table (set by serverless.yml). */
export const VERDICT_TABLE_ENV = 'ECR_KEEPER_VERDICT_TABLE';
/** Days a judgement is kept (DynamoDB TTL): long past the rescan period, so the next verdict has one to compare with. */
export const VERDICT_STATE_TTL_DAYS = 90;
/**
 * A verdict claimed for publishing but not marked published after this long is published again: the run that
 * claimed it failed between the claim and PutEvents (its retry, or any later path, finishes the job).
 */
export const VERDICT_PUBLISH_LEASE_MS = 60_000;
/** The longest vulnerability id kept (ids are 10-30 characters; longer ones are cut). */
const MAX_STORED_ID_LENGTH = 128;
/** Failing ids kept per judgement: at the longest id, the item stays under DynamoDB's item size with room to spare. */
export const MAX_STORED_FAILING_IDS = Math.floor((MAX_DYNAMODB_ITEM_BYTES - 16 * 1024) / (MAX_STORED_ID_LENGTH + 4));
/** The sort key of a judgement whose scan has no completion time (a FAILED scan may have none): before any real time. */
const NO_COMPLETION_TIME = '0';

/** Where verdict state lives: the table and its client (and a clock for tests). */
export interface VerdictStore {
  dynamodb: DynamoDBClient;
  table: string;
  now?: () => number;
}

/** One judgement of one scan of one image, as the verdict state keys and compares it. */
export interface VerdictCandidate extends JudgedVerdict {
  /** The image: its repository ARN (or registry and name) and digest. */
  imageKey: string;
  /** The scan: its completion time (ISO 8601), so that an image's judgements sort by scan. */
  scanKey: string;
  /** What judged it: `push`, `scan-complete`, `finding`, `rescan`, `cli`. */
  trigger: string;
}

/** How a judgement was recorded, and whether its run publishes the verdict. */
export type VerdictClaim = VerdictChange & {
  /** `recorded`: the first judgement of this scan; `rejudged`: the same scan judged differently; `seen`: judged before. */
  state: 'recorded' | 'rejudged' | 'seen';
};

type Status = 'pending' | 'published' | 'unchanged';

interface StoredVerdict extends JudgedVerdict {
  status: Status;
  judgedAt: number;
}

/**
 * The key of an image in the verdict state: its repository's ARN and its digest, or (without an ARN) its
 * registry, repository name and digest.
 *
 * @example
 * verdictImageKey({ repositoryName: 'team/api', imageDigest, imageTags: [], repositoryArn }); // 'arn:aws:ecr:...:repository/team/api@sha256:...'
 */
export function verdictImageKey(image: ScanImage, registryId?: string): string {
  const where = image.repositoryArn ?? `${registryId ?? 'unknown-registry'}/${image.repositoryName}`;
  return `${where}@${image.imageDigest}`;
}

/**
 * The verdict state's view of a verdict: its image and scan keys, its result and failing ids.
 *
 * @example
 * const candidate = verdictCandidate(image, verdict, failingFindingIds(read.findings, policy.scan), 'push');
 */
export function verdictCandidate(image: ScanImage, verdict: ScanVerdict, failingIds: string[], trigger: string): VerdictCandidate {
  return {
    imageKey: verdictImageKey(image, verdict.registryId),
    scanKey: verdict.scan.completedAt || NO_COMPLETION_TIME,
    verdictId: verdict.verdictId,
    result: verdict.result,
    failingIds: failingIds.map((id) => id.slice(0, MAX_STORED_ID_LENGTH)).slice(0, MAX_STORED_FAILING_IDS),
    trigger,
  };
}

function stored(item: Record<string, AttributeValue> | undefined): StoredVerdict | undefined {
  if (!item?.verdictId?.S || !item.result?.S) return undefined;
  return {
    verdictId: item.verdictId.S,
    result: item.result.S as ScanVerdict['result'],
    failingIds: (item.failingIds?.L ?? []).flatMap((v) => (v.S === undefined ? [] : [v.S])),
    status: (item.status?.S ?? 'published') as Status,
    judgedAt: Number(item.judgedAt?.N ?? 0),
  };
}

function failure(action: string, err: unknown): AwsCallError {
  return new AwsCallError(action, errorCode(err), `verdict state: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** The image's latest judgement of an earlier scan, if any (one Query). */
async function latestBefore(store: VerdictStore, candidate: VerdictCandidate): Promise<StoredVerdict | undefined> {
  try {
    const out = await store.dynamodb.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: '#image = :image AND #scan < :scan',
        ExpressionAttributeNames: { '#image': 'image', '#scan': 'scan' },
        ExpressionAttributeValues: { ':image': { S: candidate.imageKey }, ':scan': { S: candidate.scanKey } },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return stored(out.Items?.[0]);
  } catch (err) {
    throw failure('Query', err);
  }
}

function judgementValues(candidate: VerdictCandidate, status: Status, now: number): Record<string, AttributeValue> {
  return {
    verdictId: { S: candidate.verdictId },
    result: { S: candidate.result },
    failingIds: { L: candidate.failingIds.map((id) => ({ S: id })) },
    status: { S: status },
    trigger: { S: candidate.trigger },
    judgedAt: { N: String(now) },
    expiresAt: { N: String(Math.floor(now / 1000) + VERDICT_STATE_TTL_DAYS * 86_400) },
  };
}

/** Sets a judgement's fields where `condition` holds; false when it no longer does (another run got there first). */
async function updateWhere(
  store: VerdictStore,
  candidate: VerdictCandidate,
  values: Record<string, AttributeValue>,
  condition: string,
  conditionValues: Record<string, AttributeValue>,
): Promise<boolean> {
  const names = Object.keys(values);
  // DynamoDB refuses a name or value the expressions do not use: list exactly those they use.
  const conditionNames = [...condition.matchAll(/#(\w+)/g)].map((m) => m[1]!);
  try {
    await store.dynamodb.send(
      new UpdateItemCommand({
        TableName: store.table,
        Key: { image: { S: candidate.imageKey }, scan: { S: candidate.scanKey } },
        UpdateExpression: `SET ${names.map((n) => `#${n} = :${n}`).join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: Object.fromEntries([...names, ...conditionNames].map((n) => [`#${n}`, n])),
        ExpressionAttributeValues: { ...Object.fromEntries(names.map((n) => [`:${n}`, values[n]!])), ...conditionValues },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw failure('UpdateItem', err);
  }
}

/**
 * Records a judgement and says whether its run publishes the verdict: exactly one run publishes each
 * piece of news, whichever path (push, scan-complete, an Inspector finding, a rescan) judges first.
 *
 * 1. The image's latest judgement of an earlier scan (one Query) decides whether this one is news
 *    ({@link verdictChange}).
 * 2. A conditional put (`attribute_not_exists`) records the first judgement of this scan; its run publishes
 *    when it is news.
 * 3. When the scan was judged before, the put fails and returns what is stored: the same verdict is not
 *    published again (unless its publishing run died: after {@link VERDICT_PUBLISH_LEASE_MS} the claim passes
 *    on); a different verdict of the same scan (Inspector found a new CVE, the policy changed) replaces it
 *    under a condition on the stored verdict id, and is published when it is news.
 *
 * A DynamoDB failure is thrown as an {@link AwsCallError}: the invocation fails and is retried, rather than
 * publish without knowing (or stay silent).
 *
 * @example
 * const claim = await claimVerdict({ dynamodb, table }, verdictCandidate(image, verdict, failingIds, 'push'));
 * if (claim.publish) await publishEvents(...);
 */
export async function claimVerdict(store: VerdictStore, candidate: VerdictCandidate): Promise<VerdictClaim> {
  const now = store.now?.() ?? Date.now();
  const change = verdictChange(await latestBefore(store, candidate), candidate);
  let existing: StoredVerdict | undefined;
  try {
    await store.dynamodb.send(
      new PutItemCommand({
        TableName: store.table,
        Item: { image: { S: candidate.imageKey }, scan: { S: candidate.scanKey }, ...judgementValues(candidate, change.publish ? 'pending' : 'unchanged', now) },
        ConditionExpression: 'attribute_not_exists(#image)',
        ExpressionAttributeNames: { '#image': 'image' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { ...change, state: 'recorded' };
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw failure('PutItem', err);
    existing = stored(err.Item);
  }
  if (!existing) return { publish: false, reason: 'this scan was judged by another run', state: 'seen' };

  if (existing.verdictId === candidate.verdictId) {
    const stale = existing.status === 'pending' && now - existing.judgedAt >= VERDICT_PUBLISH_LEASE_MS;
    if (!stale) return { publish: false, reason: `this scan was judged already, with the same verdict (${existing.result})`, state: 'seen' };
    const taken = await updateWhere(store, candidate, { judgedAt: { N: String(now) } }, '#status = :pending AND #judgedAt = :then', {
      ':pending': { S: 'pending' },
      ':then': { N: String(existing.judgedAt) },
    });
    return taken
      ? { publish: true, reason: 'the run that judged this scan did not publish its verdict: published now', state: 'seen' }
      : { publish: false, reason: 'another run is publishing this verdict', state: 'seen' };
  }

  const again = verdictChange(existing, candidate);
  const replaced = await updateWhere(store, candidate, judgementValues(candidate, again.publish ? 'pending' : 'unchanged', now), '#verdictId = :previous', {
    ':previous': { S: existing.verdictId },
  });
  return replaced ? { ...again, state: 'rejudged' } : { publish: false, reason: 'another run judged this scan at the same moment', state: 'seen' };
}

/**
 * Marks a claimed verdict as published (after PutEvents took it), so that no later run publishes it again.
 * A verdict replaced in the meantime is left alone.
 *
 * @example
 * await markPublished(store, candidate);
 */
export async function markPublished(store: VerdictStore, candidate: VerdictCandidate): Promise<void> {
  await updateWhere(store, candidate, { status: { S: 'published' } }, '#verdictId = :id', { ':id': { S: candidate.verdictId } });
}

/**
 * The verdict state of a deployed function: the table named by `ECR_KEEPER_VERDICT_TABLE` (set by
 * serverless.yml), its client built once per instance; undefined where no table is set (a local invoke),
 * where every verdict is published as before.
 *
 * @example
 * const verdicts = verdictStoreFromEnv(); // module scope in a handler file
 */
export function verdictStoreFromEnv(env: NodeJS.ProcessEnv = process.env, client: () => DynamoDBClient = createDynamoDbClient): VerdictStore | undefined {
  const table = env[VERDICT_TABLE_ENV];
  return table ? { dynamodb: client(), table } : undefined;
}
