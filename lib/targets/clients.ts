import type { ECRClient } from '@aws-sdk/client-ecr';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { BASE_CLIENT_CONFIG, createEcrClient, createEventBridgeClient, type AwsClients } from '../aws/clients';
import type { AccountCredentials } from './credentials';
import { targetKey, type Target } from './types';

/** The settings a target's client is built with: its region, its account's credentials, the shared retry settings. */
export interface TargetClientConfig {
  region: string;
  /** The account's assumed-role credentials; absent for the caller's own account (the SDK's default chain or `baseCredentials`). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  profile?: string;
  retryMode: 'adaptive';
  maxAttempts: number;
}

/** Options of {@link createTargetClients}. */
export interface TargetClientsOptions {
  credentials: AccountCredentials;
  /** The caller's credentials (e.g. a CLI `--profile`), for the caller's own account; the SDK's default chain when absent. */
  baseCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** A named profile of the AWS config files for the caller's own account (the CLI's `--profile`). */
  profile?: string;
  maxAttempts?: number;
}

/** Clients per target, built once and reused for the life of the factory (a Lambda container, a CLI run). */
export interface TargetClients {
  ecr(target: Target): ECRClient;
  events(target: Target): EventBridgeClient;
  /** The ECR and EventBridge clients most jobs take. */
  clients(target: Target): AwsClients;
  /**
   * Any other SDK client for the target, built once per target and `kind` by `make` with the target's settings.
   *
   * @example
   * const ecs = factory.client(target, 'ecs', (config) => new ECSClient(config));
   */
  client<C>(target: Target, kind: string, make: (config: TargetClientConfig) => C): C;
}

/**
 * Builds (and caches) SDK clients per target: the target's region, its account's credentials (assumed for
 * other accounts, see {@link AccountCredentials}), `retryMode: 'adaptive'`. Endpoints stay the SDK's own
 * (`AWS_ENDPOINT_URL`...), so the same code runs against AWS and moto.
 *
 * @example
 * const factory = createTargetClients({ credentials });
 * for (const target of targets) await audit(factory.clients(target), policy);
 */
export function createTargetClients(options: TargetClientsOptions): TargetClients {
  const cache = new Map<string, unknown>();
  const configOf = (target: Target): TargetClientConfig => {
    const assumed = options.credentials.providerFor(target.accountId);
    const credentials = assumed ?? options.baseCredentials;
    return {
      ...(assumed === undefined && options.profile ? { profile: options.profile } : {}),
      ...BASE_CLIENT_CONFIG,
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
      region: target.region,
      ...(credentials ? { credentials } : {}),
    };
  };
  const client = <C>(target: Target, kind: string, make: (config: TargetClientConfig) => C): C => {
    const key = `${kind}@${targetKey(target)}`;
    if (!cache.has(key)) cache.set(key, make(configOf(target)));
    return cache.get(key) as C;
  };
  const ecr = (target: Target) => client(target, 'ecr', createEcrClient);
  const events = (target: Target) => client(target, 'events', createEventBridgeClient);
  return { ecr, events, client, clients: (target) => ({ ecr: ecr(target), events: events(target) }) };
}
