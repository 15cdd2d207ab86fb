import { Logger } from '@aws-lambda-powertools/logger';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { createClients, type AwsClients } from '../../lib/aws/clients';
import type { WorkQueue } from '../../lib/fanout/work-queue';
import type { HandOnInvoker } from '../../lib/hand-on/continue-run';
import { createMetrics } from '../../lib/metrics/emit';
import { lambdaPolicy } from '../../lib/packaged-policy';
import { policyWarnings, type Policy } from '../../lib/policy';

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
  /** Where runs write their metrics (EMF on stdout); none: no metrics (tests that do not look at them). */
  metrics?: Metrics;
  /** Starts the continuation of a scheduled run at its deadline, on the scheduled functions (functions/shared/hand-on.ts). */
  handOn?: HandOnInvoker;
  /** The clock deadlines are measured with (epoch ms); Date.now by default, a test's own clock otherwise. */
  now?: () => number;
}

/**
 * The runtime of a deployed function: clients and logger built once per instance, the policy packaged with
 * the function by `serverless package` (outside a bundle: `ECR_KEEPER_POLICY`), validated on first use.
 */
export function lambdaRuntime(env: NodeJS.ProcessEnv = process.env): HandlerRuntime {
  let cached: Policy | undefined;
  const logger = new Logger({ serviceName: 'ecr-keeper' });
  const load = (): Policy => {
    const policy = lambdaPolicy(env);
    for (const warning of policyWarnings(policy)) logger.warn(warning);
    return policy;
  };
  return {
    clients: createClients(),
    logger,
    metrics: createMetrics(),
    policy: () => (cached ??= load()),
  };
}
