import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { createEcrClient, createEventBridgeClient, type AwsClients } from '../../../lib/aws/clients';
import { DEFAULT_MAX_ATTEMPTS } from '../../../lib/limits';
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
  /**
   * Standard retries with this fixed delay (ms) between attempts instead of the SDK's exponential
   * backoff (up to 20 s after throttling): the same retry decisions and retry quota, in test time.
   */
  retryDelayMs?: number;
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
 * const chaos = faithfulClients(proxy, undefined, { maxAttempts: 10, retryDelayMs: 5 });
 */
export function faithfulClients(
  proxy: Pick<FaithfulEcr, 'endpoint'>,
  accountId: string = newAccountId(),
  options: FaithfulClientsOptions = {},
): AwsClients & { accountId: string } {
  // Each client gets its own retry strategy: the retry quota is a client's own, as in production.
  const config = () => ({
    endpoint: proxy.endpoint,
    region: options.region ?? 'us-east-1',
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.retryMode !== undefined ? { retryMode: options.retryMode } : {}),
    ...(options.retryDelayMs !== undefined
      ? { retryStrategy: new ConfiguredRetryStrategy(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, options.retryDelayMs) }
      : {}),
  });
  return {
    ecr: pinMotoAccount(createEcrClient(config()), accountId),
    events: pinMotoAccount(createEventBridgeClient(config()), accountId),
    accountId,
  };
}
