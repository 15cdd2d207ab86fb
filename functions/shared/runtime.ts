import { Logger } from '@aws-lambda-powertools/logger';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import { createClients, type AwsClients } from '../../lib/aws/clients';
import type { WorkQueue } from '../../lib/fanout/work-queue';
import { policyFromLambdaEnv, policyWarnings, type Policy } from '../../lib/policy';

/** What a handler is wired with: built once per Lambda instance, or by a test. */
export interface HandlerRuntime {
  /** The function's own account's clients in its region; `accountId` when known beforehand (tests pin clients to an account). */
  clients: AwsClients & { accountId?: string };
  /** The STS client member roles are assumed with (tests); built from the environment otherwise. */
  sts?: STSClient;
  /** The Organizations client that lists the organization's accounts (tests); built from the environment otherwise. */
  organizations?: OrganizationsClient;
  logger: Logger;
  /** The validated policy; throws a PolicyError naming the field while the policy is bad. */
  policy: () => Policy;
  /** The fan-out's work queue, on the functions that dispatch or work (see functions/shared/work-queue.ts). */
  workQueue?: WorkQueue;
}

/**
 * The runtime of a deployed function: clients and logger built once per instance, the policy read from
 * `ECR_KEEPER_POLICY` (JSON, written there by `serverless package`) and validated on first use.
 */
export function lambdaRuntime(env: NodeJS.ProcessEnv = process.env): HandlerRuntime {
  let cached: Policy | undefined;
  const logger = new Logger({ serviceName: 'ecr-keeper' });
  const load = (): Policy => {
    const policy = policyFromLambdaEnv(env);
    for (const warning of policyWarnings(policy)) logger.warn(warning);
    return policy;
  };
  return {
    clients: createClients(),
    logger,
    policy: () => (cached ??= load()),
  };
}
