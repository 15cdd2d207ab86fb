/**
 * Credentials never leave ecr-keeper in what it writes. AWS quotes the canonical request, session token
 * included, in its signature errors ("The Canonical String for this request should have been ...
 * x-amz-security-token:..."), and error messages travel far: into log lines, run results, published events
 * and the terminal. Every error message is passed through {@link redactSecrets} on its way out.
 */

/** What is blanked out, each rule with the text that replaces the secret. */
const RULES: readonly (readonly [RegExp, string])[] = [
  // A signed header or query parameter carrying the session token: `x-amz-security-token:…`, `X-Amz-Security-Token=…`.
  [/(x-amz-security-token\s*[:=]\s*)[^\s'"&,;]+/gi, '$1[redacted]'],
  // A SigV4 credential names the access key id: `Credential=AKIA…/20240101/us-east-1/ecr/aws4_request`.
  [/(Credential=)[^\s/,]+/g, '$1[redacted]'],
  // Access key ids, long-term (AKIA…) and temporary (ASIA…).
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '[redacted access key id]'],
  // Secrets as credentials files and environments write them (`aws_secret_access_key = …`, `AWS_SESSION_TOKEN=…`).
  [/((?:aws_)?(?:secret_access_key|session_token|security_token)\s*[=:]\s*)[^\s'"]+/gi, '$1[redacted]'],
];

/**
 * `text` with session tokens, access key ids and secret keys blanked out.
 *
 * @example
 * redactSecrets("x-amz-security-token:IQoJb3JpZ2lu...\nhost:api.ecr.us-east-1.amazonaws.com");
 * // "x-amz-security-token:[redacted]\nhost:api.ecr.us-east-1.amazonaws.com"
 */
export function redactSecrets(text: string): string {
  return RULES.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/**
 * Blanks the secrets out of an error's message and stack (and of its causes'), in place, and returns it:
 * for an error about to be thrown to a runtime that logs it as it is (Lambda prints message and stack).
 *
 * @example
 * throw redactError(err);
 */
export function redactError<E>(err: E): E {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    e.message = redactSecrets(e.message);
    if (e.stack) e.stack = redactSecrets(e.stack);
  }
  return err;
}
