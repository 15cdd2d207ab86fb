import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { createTargetClients, type TargetClients } from './clients';
import { createAccountCredentials } from './credentials';
import { targetScope, type TargetScope } from './event-target';
import { partitionOfRegion } from './regions';
import { resolveTargets, type Caller, type TargetOverrides } from './resolve';
import type { TargetsPolicy } from './schema';
import type { Target } from './types';

/** A run's targets, who runs it, and the clients for each target. */
export interface TargetsSession {
  caller: Caller;
  targets: Target[];
  clients: TargetClients;
}

/**
 * Opens a run over targets (the CLI, a scheduled job): resolves the targets ({@link resolveTargets}: one
 * GetCallerIdentity, ListAccounts for an organization), and a client factory whose other accounts are
 * reached by assuming `policy.roleName`, once per account.
 *
 * @example
 * const { targets, clients } = await openTargetsSession({ sts, organizations }, policy.targets, { regions: ['eu-west-1'] });
 * const outcomes = await runOverTargets(targets, (t) => runAudit(clients.clients(t), policy));
 */
export async function openTargetsSession(
  deps: {
    sts: STSClient;
    organizations: OrganizationsClient;
    baseCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
    profile?: string;
    now?: () => number;
  },
  policy: TargetsPolicy,
  overrides: TargetOverrides = {},
): Promise<TargetsSession> {
  const { caller, targets } = await resolveTargets(deps, policy, overrides);
  const credentials = createAccountCredentials({ sts: deps.sts, caller, roleName: policy.roleName, externalId: policy.externalId, ...(deps.now ? { now: deps.now } : {}) });
  return {
    caller,
    targets,
    clients: createTargetClients({
      credentials,
      ...(deps.baseCredentials ? { baseCredentials: deps.baseCredentials } : {}),
      ...(deps.profile ? { profile: deps.profile } : {}),
    }),
  };
}

/** What an event handler acts within, and with: the targets' scope and the clients per target. */
export interface HandlerTargets {
  scope: TargetScope;
  clients: TargetClients;
}

/**
 * An event handler's targets, known without an AWS call: the function's own account and region (from its
 * ARN) are the caller's, the policy's targets the scope. Build it once per container (the credential cache
 * lives as long) and look each event up with `targetOfEvent(event, scope)`. `sts` is called only when an
 * event is in another account.
 *
 * @example
 * handlerTargets ??= createHandlerTargets(policy.targets, context.invokedFunctionArn, { sts: createStsClient() });
 */
export function createHandlerTargets(policy: TargetsPolicy, own: { accountId: string; region: string }, deps: { sts: STSClient }): HandlerTargets {
  const partition = partitionOfRegion(own.region) ?? 'aws';
  const credentials = createAccountCredentials({ sts: deps.sts, caller: { accountId: own.accountId, partition }, roleName: policy.roleName, externalId: policy.externalId });
  return { scope: targetScope(policy, own), clients: createTargetClients({ credentials }) };
}
