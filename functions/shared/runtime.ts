import { Logger } from '@aws-lambda-powertools/logger';
import { createClients } from '../../lib/aws/clients';
import { loadPolicyFromEnv, type Policy } from '../../lib/policy';

/** One logger per function instance (JSON lines with the request id). */
export const logger = new Logger({ serviceName: 'ecr-keeper' });

/** SDK clients, built once per instance and reused across invocations. */
export const clients = createClients();

let cached: Policy | undefined;

/**
 * The policy from `ECR_KEEPER_POLICY` / `ECR_KEEPER_POLICY_FILE`, validated once per instance.
 * A bad policy throws a PolicyError naming the field on every invocation until it is fixed.
 */
export function policy(): Policy {
  cached ??= loadPolicyFromEnv(process.env);
  return cached;
}
