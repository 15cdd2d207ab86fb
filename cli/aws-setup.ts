import { AwsSetupError, errorCode } from '../lib/errors';

/** What to set when the SDK finds no region. */
export const MISSING_REGION = 'no AWS region: set AWS_REGION (or a region in your AWS profile), or pass --region';
/** What to set when the SDK finds no credentials. */
export const MISSING_CREDENTIALS =
  'no AWS credentials: set AWS_PROFILE (a profile made by `aws configure` or `aws sso login`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';

/**
 * Turns the SDK's errors for a missing region (`Error: Region is missing`) or missing credentials
 * (`CredentialsProviderError`) into an {@link AwsSetupError} whose one line says what to set, the SDK
 * error kept as its cause; any other error gives undefined.
 *
 * @example
 * const setup = awsSetupError(err);
 * if (setup) stderr.write(`error: ${setup.message}\n`);
 */
export function awsSetupError(err: unknown): AwsSetupError | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err.message === 'Region is missing' || err.message === 'Invalid region in client config') {
    return new AwsSetupError(MISSING_REGION, { cause: err });
  }
  const code = errorCode(err);
  if (code === 'CredentialsProviderError' || code === 'TokenProviderError') {
    const reason = err.message && !err.message.startsWith('Could not load credentials from any providers') ? ` (${err.message})` : '';
    return new AwsSetupError(`${MISSING_CREDENTIALS}${reason}`, { cause: err });
  }
  return undefined;
}
