import type { KeeperEvent } from '../events/publish';
import { EVENT_DETAIL_VERSION } from '../events/version';
import type { ChangeOutcome, EnforceTrigger, RepositoryEnforcement } from './types';

export const SETTING_ENFORCED_DETAIL_TYPE = 'ECR Keeper Setting Enforced';

/** Where a change was made. */
export interface EnforcedAt {
  registryId?: string;
  region: string;
  /** The repository's ARN, for repository changes: the event's `resources`. */
  repositoryArn?: string;
  trigger?: EnforceTrigger;
}

/**
 * The event for one change applied or failed (`ECR Keeper Setting Enforced`); none for a skipped one.
 *
 * @example
 * const event = settingEnforcedEvent(outcome, { registryId, region, repositoryArn, trigger: { source: 'schedule' } });
 */
export function settingEnforcedEvent(outcome: ChangeOutcome, at: EnforcedAt): KeeperEvent | undefined {
  if (outcome.status === 'skipped') return undefined;
  const { change } = outcome;
  return {
    detailType: SETTING_ENFORCED_DETAIL_TYPE,
    detail: {
      version: EVENT_DETAIL_VERSION,
      status: outcome.status,
      kind: change.kind,
      ...('repositoryName' in change ? { repositoryName: change.repositoryName } : {}),
      ...(at.registryId ? { registryId: at.registryId } : {}),
      region: at.region,
      from: change.from,
      to: change.to,
      reason: change.reason,
      ...(outcome.status === 'failed' ? { error: outcome.error } : {}),
      ...(at.trigger ? { trigger: at.trigger } : {}),
    },
    ...(at.repositoryArn ? { resources: [at.repositoryArn] } : {}),
  };
}

/**
 * The events of a run: one per change applied or failed, the registry's replication first.
 *
 * @example
 * await publishEvents({ events }, policy.events, enforcedEvents(replication, repositories, { registryId, region, trigger }));
 */
export function enforcedEvents(
  replication: ChangeOutcome | null,
  repositories: readonly RepositoryEnforcement[],
  at: Omit<EnforcedAt, 'repositoryArn'>,
): KeeperEvent[] {
  const events = [
    replication && settingEnforcedEvent(replication, at),
    ...repositories.flatMap((r) =>
      r.outcomes.map((o) => settingEnforcedEvent(o, { ...at, registryId: r.registryId, repositoryArn: r.repositoryArn })),
    ),
  ];
  return events.filter((e): e is KeeperEvent => Boolean(e));
}
