import { randomUUID } from 'node:crypto';
import { jsonError } from './json-error';
import type { HttpRequest, HttpResponse } from './types';

/** The query-protocol parameters of a form-encoded request body (STS, as the SDK sends it). */
export function formParameters(request: Pick<HttpRequest, 'headers' | 'body'>): URLSearchParams | undefined {
  const type = request.headers['content-type'];
  return typeof type === 'string' && type.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(request.body.toString('utf8')) : undefined;
}

/**
 * STS's answer when the role's trust policy does not let the caller in: HTTP 403 `AccessDenied` in the
 * query protocol's XML, as AWS words it.
 */
export function accessDenied(roleArn: string): HttpResponse {
  const message = `User: arn:aws:sts::000000000000:assumed-role/ecr-keeper-hub/ecr-keeper is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
  const body =
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">' +
    `<Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${message}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  return { status: 403, headers: { 'content-type': 'text/xml' }, body: Buffer.from(body) };
}

/**
 * The refusal of an AssumeRole into one of `accounts` (moto lets any role be assumed), or `undefined` for
 * any other request.
 *
 * @example
 * const refusal = refusedAssumeRole(request, new Set(['222222222222']));
 * if (refusal) return refusal;
 */
export function refusedAssumeRole(request: Pick<HttpRequest, 'headers' | 'body'>, accounts: ReadonlySet<string>): HttpResponse | undefined {
  const params = formParameters(request);
  if (params?.get('Action') !== 'AssumeRole') return undefined;
  const roleArn = params.get('RoleArn') ?? '';
  return accounts.has(roleArn.split(':')[4] ?? '') ? accessDenied(roleArn) : undefined;
}

/** The region a request is signed for: its SigV4 credential scope. */
function signedRegion(request: Pick<HttpRequest, 'headers'>): string | undefined {
  const authorization = request.headers.authorization;
  return typeof authorization === 'string' ? /Credential=[^/]+\/\d+\/([^/]+)\//.exec(authorization)?.[1] : undefined;
}

/**
 * What AWS answers a call to an opt-in region the account has not enabled: the credentials are not
 * recognised there (HTTP 403 `UnrecognizedClientException`). `undefined` for a request to any other region.
 *
 * @example
 * const refusal = disabledRegionAnswer(request, new Set(['ap-east-1']));
 */
export function disabledRegionAnswer(request: Pick<HttpRequest, 'headers'>, regions: ReadonlySet<string>): HttpResponse | undefined {
  const region = signedRegion(request);
  if (region === undefined || !regions.has(region) || formParameters(request as HttpRequest) !== undefined) return undefined;
  return jsonError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
}
