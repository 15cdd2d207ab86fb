import { partitionOfRegion, type Partition } from './regions';
import { ORGANIZATION, type TargetsPolicy } from './schema';
import { targetKey, type Target } from './types';

/**
 * What an event handler may act on, known without an AWS call: the policy's accounts (or every account of
 * the organization: the hub's bus accepts events from its members only) and regions, in one partition.
 */
export interface TargetScope {
  accounts: readonly string[] | typeof ORGANIZATION;
  regions: readonly string[];
  partition: Partition;
}

/**
 * A handler's scope: the policy's targets, defaulting to the function's own account and region (from the
 * Lambda context's function ARN and `AWS_REGION`), as before targets existed.
 *
 * @example
 * const scope = targetScope(policy.targets, { accountId: arn.split(':')[4], region: process.env.AWS_REGION });
 */
export function targetScope(policy: Pick<TargetsPolicy, 'accounts' | 'regions'>, own: { accountId: string; region: string }): TargetScope {
  const regions = policy.regions ?? [own.region];
  return {
    accounts: policy.accounts ?? [own.accountId],
    regions,
    partition: partitionOfRegion(regions[0] ?? own.region) ?? 'aws',
  };
}

/** Where an event happened, and what said so. */
export interface EventPlace {
  accountId: string;
  region: string;
  partition: Partition | undefined;
  /** `repository ARN` (Inspector, a delegated administrator's view), `CloudTrail` (the recipient account), or `event`. */
  from: 'repository ARN' | 'CloudTrail' | 'event';
}

/** The shape of the EventBridge events the handlers receive, as far as places go. */
export interface PlacedEvent {
  account?: unknown;
  region?: unknown;
  resources?: unknown;
  detail?: unknown;
}

const REPOSITORY_ARN = /^arn:(aws[a-z-]*):ecr:([a-z0-9-]+):(\d{12}):repository\/.+$/;

/**
 * The partition, region and account of an ECR repository ARN, or `undefined` when it is not one.
 *
 * @example
 * parseRepositoryArn('arn:aws-cn:ecr:cn-north-1:123456789012:repository/team/api');
 * // { partition: 'aws-cn', region: 'cn-north-1', accountId: '123456789012' }
 */
export function parseRepositoryArn(arn: string): { partition: string; region: string; accountId: string } | undefined {
  const m = REPOSITORY_ARN.exec(arn);
  return m ? { partition: m[1]!, region: m[2]!, accountId: m[3]! } : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The repository ARNs an event names: Inspector's `repository-name`, a finding's resource ids, the event's `resources`. */
function repositoryArns(event: PlacedEvent): string[] {
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  const findingResources = Array.isArray(detail.resources) ? detail.resources.map((r) => text((r as { id?: unknown })?.id)) : [];
  const resources = Array.isArray(event.resources) ? event.resources.map(text) : [];
  return [text(detail['repository-name']), ...findingResources, ...resources].filter((a): a is string => a !== undefined && parseRepositoryArn(a) !== undefined);
}

/**
 * Where an event happened: the repository ARN's account, region and partition when the event names one (an
 * Inspector delegated administrator receives events about member accounts' repositories), else a CloudTrail
 * record's recipient account and region, else the event's own `account` and `region`.
 *
 * @example
 * eventPlace(inspectorScanEvent); // { accountId: '222222222222', region: 'eu-west-1', partition: 'aws', from: 'repository ARN' }
 */
export function eventPlace(event: PlacedEvent): EventPlace | undefined {
  const arn = repositoryArns(event)[0];
  if (arn) {
    const { partition, region, accountId } = parseRepositoryArn(arn)!;
    const known = partitionOfRegion(region);
    return { accountId, region, partition: known === partition ? known : undefined, from: 'repository ARN' };
  }
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  const trailAccount = text(detail.recipientAccountId);
  const trailRegion = text(detail.awsRegion);
  if (trailAccount && trailRegion) return { accountId: trailAccount, region: trailRegion, partition: partitionOfRegion(trailRegion), from: 'CloudTrail' };
  const account = text(event.account);
  const region = text(event.region);
  if (account && region) return { accountId: account, region, partition: partitionOfRegion(region), from: 'event' };
  return undefined;
}

/** Whether an event is for a target, and which; or why it is ignored. */
export type EventTargetDecision = { kind: 'target'; target: Target } | { kind: 'ignore'; reason: string };

/**
 * The target an event belongs to, or `ignore` with the reason: an event from an account, region or partition
 * that is not a target is acted on nowhere (and costs no AWS call). Pure.
 *
 * @example
 * const decision = targetOfEvent(event, scope);
 * if (decision.kind === 'ignore') return log.info('event ignored', { reason: decision.reason });
 * const clients = factory.clients(decision.target);
 */
export function targetOfEvent(event: PlacedEvent, scope: TargetScope): EventTargetDecision {
  const place = eventPlace(event);
  if (!place) return { kind: 'ignore', reason: 'the event names no account and region' };
  return targetInScope(place, scope, `${targetKey(place)} (from the ${place.from})`);
}

/**
 * The target at `place` when it is in `scope`, or `ignore` with the reason (`where` names the place in it):
 * its partition, account and region must all be the targets'. Pure.
 *
 * @example
 * targetInScope({ accountId: '222222222222', region: 'eu-west-1', partition: 'aws' }, scope, 'the request\'s target');
 */
export function targetInScope(place: { accountId: string; region: string; partition: Partition | undefined }, scope: TargetScope, where: string): EventTargetDecision {
  if (place.partition !== scope.partition) {
    return { kind: 'ignore', reason: `${where} is in partition ${place.partition ?? 'unknown'}, the targets are in ${scope.partition}` };
  }
  if (scope.accounts !== ORGANIZATION && !scope.accounts.includes(place.accountId)) {
    return { kind: 'ignore', reason: `${where}: account ${place.accountId} is not a target (${scope.accounts.join(', ')})` };
  }
  if (!scope.regions.includes(place.region)) {
    return { kind: 'ignore', reason: `${where}: region ${place.region} is not a target (${scope.regions.join(', ')})` };
  }
  return { kind: 'target', target: { accountId: place.accountId, region: place.region, partition: place.partition } };
}

/**
 * The account and region a Lambda function runs in, from its ARN (the context's `invokedFunctionArn`):
 * what a handler's targets default to, known without an AWS call.
 *
 * @example
 * functionPlace('arn:aws:lambda:eu-west-1:123456789012:function:ecr-keeper-dev-on-push'); // { accountId: '123456789012', region: 'eu-west-1' }
 */
export function functionPlace(functionArn: string): { accountId: string; region: string } | undefined {
  const [, , service, region, accountId] = functionArn.split(':');
  return service === 'lambda' && region && accountId && /^\d{12}$/.test(accountId) ? { accountId, region } : undefined;
}
