import { OrganizationsClient, type OrganizationsClientConfig } from '@aws-sdk/client-organizations';
import { STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { BASE_CLIENT_CONFIG } from './clients';

// Apart from clients.ts so that only what runs over targets loads the STS and Organizations clients.
/**
 * Builds the STS client the caller assumes member roles with (adaptive retries, endpoint from the environment).
 *
 * @example
 * const caller = await readCaller(createStsClient({ region: 'eu-west-1' }));
 */
export function createStsClient(config: STSClientConfig = {}): STSClient {
  return new STSClient({ ...BASE_CLIENT_CONFIG, ...config });
}

/** Builds the Organizations client that lists the organization's accounts (`targets.accounts: organization`). */
export function createOrganizationsClient(config: OrganizationsClientConfig = {}): OrganizationsClient {
  return new OrganizationsClient({ ...BASE_CLIENT_CONFIG, ...config });
}
