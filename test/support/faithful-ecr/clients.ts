import { createEcrClient, createEventBridgeClient, type AwsClients } from '../../../lib/aws/clients';
import { newAccountId, pinMotoAccount } from '../aws';
import type { FaithfulEcr } from './types';

/** Options of {@link faithfulClients}. */
export interface FaithfulClientsOptions {
  /** SDK attempts per call; the production default (adaptive retries) when omitted. */
  maxAttempts?: number;
  /**
   * `adaptive` (default, as in production) or `standard`. Adaptive mode drops a fresh client to 0.5
   * requests/s after its first throttle, so tests that only need retries run faster with `standard`.
   */
  retryMode?: 'adaptive' | 'standard';
  region?: string;
}

/**
 * ECR and EventBridge clients that talk to moto through the faithful layer, pinned to `accountId`
 * (a fresh moto account by default), with the production client settings (adaptive retries).
 *
 * @example
 * const proxy = await startFaithfulEcr({ upstream: inject('motoEndpoint') });
 * const clients = faithfulClients(proxy);                      // a private registry behind the layer
 * const strict = faithfulClients(proxy, clients.accountId, { maxAttempts: 2 });
 */
export function faithfulClients(
  proxy: Pick<FaithfulEcr, 'endpoint'>,
  accountId: string = newAccountId(),
  options: FaithfulClientsOptions = {},
): AwsClients & { accountId: string } {
  const config = {
    endpoint: proxy.endpoint,
    region: options.region ?? 'us-east-1',
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.retryMode !== undefined ? { retryMode: options.retryMode } : {}),
  };
  return {
    ecr: pinMotoAccount(createEcrClient(config), accountId),
    events: pinMotoAccount(createEventBridgeClient(config), accountId),
    accountId,
  };
}
