import { describe, expect, it } from 'vitest';
import { toErrorInfo } from '../lib/errors';
import { redactError, redactSecrets } from '../lib/redact';

/** How AWS answers a request whose signature does not match: it quotes the canonical request it expected. */
const SIGNATURE_MISMATCH = [
  'The request signature we calculated does not match the signature you provided.',
  '',
  'The Canonical String for this request should have been',
  "'POST",
  '/',
  '',
  'host:api.ecr.us-east-1.amazonaws.com',
  'x-amz-date:20250602T101010Z',
  'x-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD==',
  '',
  "host;x-amz-date;x-amz-security-token'",
].join('\n');

describe('redactSecrets', () => {
  it('blanks the session token a signature error quotes, and keeps the rest of the message', () => {
    const out = redactSecrets(SIGNATURE_MISMATCH);
    expect(out).not.toContain('IQoJb3JpZ2lu');
    expect(out).toContain('x-amz-security-token:[redacted]\n');
    expect(out).toContain('host:api.ecr.us-east-1.amazonaws.com');
    expect(out).toContain('host;x-amz-date;x-amz-security-token');
  });

  it('blanks a session token passed as a query parameter', () => {
    expect(redactSecrets('https://x/?X-Amz-Security-Token=FQoG%2Fabc&X-Amz-Date=1')).toBe('https://x/?X-Amz-Security-Token=[redacted]&X-Amz-Date=1');
  });

  it('blanks access key ids, alone or in a signature credential', () => {
    expect(redactSecrets('key AKIAIOSFODNN7EXAMPLE used')).toBe('key [redacted access key id] used');
    expect(redactSecrets('Credential=ASIAIOSFODNN7EXAMPLE/20250602/us-east-1/ecr/aws4_request')).toBe('Credential=[redacted]/20250602/us-east-1/ecr/aws4_request');
  });

  it('blanks secrets written as in a credentials file or an environment', () => {
    expect(redactSecrets('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG\nAWS_SESSION_TOKEN=FwoGZXIv')).toBe(
      'aws_secret_access_key = [redacted]\nAWS_SESSION_TOKEN=[redacted]',
    );
  });

  it('leaves ARNs, account ids, digests and ordinary messages alone', () => {
    const text = `User: arn:aws:sts::123456789012:assumed-role/ci/session is not authorized to perform: ecr:PutImage on sha256:${'a'.repeat(64)}`;
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('redactError', () => {
  it('blanks the secrets out of the message and the stack, through the causes', () => {
    const cause = new Error(SIGNATURE_MISMATCH);
    const err = redactError(new Error(`wrapped: ${SIGNATURE_MISMATCH}`, { cause }));
    for (const e of [err, cause]) {
      expect(e.message).not.toContain('IQoJb3JpZ2lu');
      expect(e.stack).not.toContain('IQoJb3JpZ2lu');
    }
  });
});

describe('toErrorInfo', () => {
  it('records an AWS error without the credentials its message quotes', () => {
    const err = Object.assign(new Error(SIGNATURE_MISMATCH), { name: 'InvalidSignatureException' });
    const info = toErrorInfo(err);
    expect(info.code).toBe('InvalidSignatureException');
    expect(info.message).not.toContain('IQoJb3JpZ2lu');
  });
});
