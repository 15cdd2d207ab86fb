import { ECRClient, type ECRClientConfig } from '@aws-sdk/client-ecr';
import { EventBridgeClient, type EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';
import { DEFAULT_MAX_ATTEMPTS } from '../limits';

/**
 * The SDK settings every client shares. `retryMode` is written in lower case on purpose: the SDK
 * silently ignores the upper-case spelling. Endpoints are not set here: the SDK reads
 * `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_ECR` / `AWS_ENDPOINT_URL_EVENTBRIDGE` itself.
 */
export const BASE_CLIENT_CONFIG = {
  retryMode: 'adaptive',
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
} as const;

/**
 * Builds the ECR client. Call once (module scope in a handler, start of the CLI) and pass it on.
 *
 * @example
 * const ecr = createEcrClient({ region: 'eu-west-1' });
 * for await (const repo of walkRepositories(ecr, {})) console.log(repo.name);
 */
export function createEcrClient(config: ECRClientConfig = {}): ECRClient {
  return new ECRClient({ ...BASE_CLIENT_CONFIG, ...config });
}

/** Builds the EventBridge client (adaptive retries, endpoint from the environment). */
export function createEventBridgeClient(config: EventBridgeClientConfig = {}): EventBridgeClient {
  return new EventBridgeClient({ ...BASE_CLIENT_CONFIG, ...config });
}

/** The clients most jobs take as their first argument. */
export interface AwsClients {
  ecr: ECRClient;
  events: EventBridgeClient;
}

/** Builds the ECR and EventBridge clients with shared settings (a region, a named profile of the AWS config files). */
export function createClients(config: { region?: string; maxAttempts?: number; profile?: string } = {}): AwsClients {
  const shared = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  return { ecr: createEcrClient(shared), events: createEventBridgeClient(shared) };
}
