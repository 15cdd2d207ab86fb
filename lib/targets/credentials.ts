import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { ASSUME_ROLE_DURATION_SECONDS, ASSUME_ROLE_FAILURE_HOLD_MS, CREDENTIAL_REFRESH_MARGIN_MS } from '../limits';
import type { Partition } from './regions';

/** The session name every AssumeRole uses: member accounts see `ecr-keeper` in CloudTrail. */
export const ROLE_SESSION_NAME = 'ecr-keeper';

/**
 * The member role's ARN in an account.
 *
 * @example
 * memberRoleArn('aws-cn', '123456789012', 'ecr-keeper-member'); // 'arn:aws-cn:iam::123456789012:role/ecr-keeper-member'
 */
export function memberRoleArn(partition: Partition, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/** Options of {@link createAccountCredentials}. */
export interface AccountCredentialsOptions {
  /** The caller's STS client: AssumeRole is called as the caller. */
  sts: STSClient;
  /** The caller's own account (used without AssumeRole) and partition (of every role ARN). */
  caller: { accountId: string; partition: Partition };
  roleName: string;
  externalId: string | null;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
  durationSeconds?: number;
  /** Credentials are assumed again this long before they expire. */
  refreshMarginMs?: number;
}

/** Credentials per account: the caller's own, or the member role's, assumed once and reused until shortly before they expire. */
export interface AccountCredentials {
  /** The provider for clients of `accountId`, or `undefined` for the caller's own account (the caller's credentials). */
  providerFor(accountId: string): AwsCredentialIdentityProvider | undefined;
}

type Entry = { promise: Promise<AwsCredentialIdentity>; validUntil: number };

/**
 * Credentials for every target account: the caller's own account is used as it is; any other account gets
 * the member role (`arn:<partition>:iam::<account>:role/<roleName>`, with the external id when set, session
 * `ecr-keeper`), assumed once per account however many regions and clients use it, and assumed again
 * `refreshMarginMs` before the credentials expire. Concurrent first uses share one AssumeRole. A refused
 * AssumeRole is not asked again for {@link ASSUME_ROLE_FAILURE_HOLD_MS}: every region of that account fails with it.
 *
 * @example
 * const credentials = createAccountCredentials({ sts, caller, roleName: 'ecr-keeper-member', externalId: null });
 * const ecr = createEcrClient({ region: 'eu-west-1', credentials: credentials.providerFor('222222222222') });
 */
export function createAccountCredentials(options: AccountCredentialsOptions): AccountCredentials {
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? CREDENTIAL_REFRESH_MARGIN_MS;
  const cache = new Map<string, Entry>();
  const providers = new Map<string, AwsCredentialIdentityProvider>();

  function assume(accountId: string): Promise<AwsCredentialIdentity> {
    const entry: Entry = { validUntil: Number.POSITIVE_INFINITY, promise: Promise.resolve({ accessKeyId: '', secretAccessKey: '' }) };
    entry.promise = options.sts
      .send(
        new AssumeRoleCommand({
          RoleArn: memberRoleArn(options.caller.partition, accountId, options.roleName),
          RoleSessionName: ROLE_SESSION_NAME,
          DurationSeconds: options.durationSeconds ?? ASSUME_ROLE_DURATION_SECONDS,
          ...(options.externalId !== null ? { ExternalId: options.externalId } : {}),
        }),
      )
      .then(
        (out) => {
          const c = out.Credentials;
          if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole into ${accountId} returned no credentials`);
          const expiration = c.Expiration ?? new Date(now() + (options.durationSeconds ?? ASSUME_ROLE_DURATION_SECONDS) * 1000);
          entry.validUntil = expiration.getTime() - margin;
          return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration, accountId };
        },
        (err: unknown) => {
          entry.validUntil = now() + ASSUME_ROLE_FAILURE_HOLD_MS;
          throw err;
        },
      );
    cache.set(accountId, entry);
    return entry.promise;
  }

  return {
    providerFor(accountId) {
      if (accountId === options.caller.accountId) return undefined;
      let provider = providers.get(accountId);
      if (!provider) {
        provider = () => {
          const entry = cache.get(accountId);
          return entry && now() < entry.validUntil ? entry.promise : assume(accountId);
        };
        providers.set(accountId, provider);
      }
      return provider;
    },
  };
}
