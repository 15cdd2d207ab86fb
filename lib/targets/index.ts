/**
 * Targets: the accounts x regions a run covers, their credentials and clients, running over them, one report
 * of them all, and which target an event belongs to. See docs/accounts-and-regions.md.
 */
export { aggregateTargets, sumSummaries } from './aggregate';
export { createTargetClients, type TargetClientConfig, type TargetClients, type TargetClientsOptions } from './clients';
export { createAccountCredentials, memberRoleArn, ROLE_SESSION_NAME, type AccountCredentials, type AccountCredentialsOptions } from './credentials';
export { eventPlace, functionPlace, parseRepositoryArn, targetOfEvent, targetScope, type EventPlace, type EventTargetDecision, type PlacedEvent, type TargetScope } from './event-target';
export { AWS_REGIONS, isKnownRegion, partitionOfRegion, REGIONS_BY_PARTITION, type Partition, type RegionName } from './regions';
export {
  checkTargetOverrides,
  partitionOfArn,
  planTargets,
  readCaller,
  readOrganizationAccounts,
  resolveTargets,
  type Caller,
  type TargetFacts,
  type TargetOverrides,
} from './resolve';
export { renderByTarget, targetHeading } from './render';
export { runOverTargets, type RunOverTargetsOptions } from './run';
export { createHandlerTargets, openTargetsSession, type HandlerTargets, type TargetsSession } from './session';
export { AccountIdSchema, DEFAULT_MEMBER_ROLE_NAME, ORGANIZATION, RegionNameSchema, TargetsSchema, type TargetsPolicy } from './schema';
export { targetKey, type Target, type TargetEntry, type TargetOutcome, type TargetResult, type TargetsReport, type TargetTotals } from './types';
