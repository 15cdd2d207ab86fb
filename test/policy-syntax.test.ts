import { describe, expect, it } from 'vitest';
import { PolicyError } from '../lib/errors';
import { parsePolicyJson } from '../lib/policy';
import { parsePolicyText } from '../lib/policy-loader';

function refusal(parse: () => unknown): PolicyError {
  try {
    parse();
  } catch (err) {
    return err as PolicyError;
  }
  throw new Error('expected the text to be refused');
}

describe('a policy text that does not parse', () => {
  it('JSON: says what is wrong without quoting the text around it', () => {
    const err = refusal(() => parsePolicyJson('{"events": {"busName": hunter2-secret}}', 'policy file p.json'));
    expect(err).toBeInstanceOf(PolicyError);
    expect(err.message).toBe("policy file p.json is not valid JSON: unexpected character 'h'");
    expect(err.cause).toBeUndefined();
  });

  it('JSON cut short: says so', () => {
    expect(refusal(() => parsePolicyJson('{"cleanup": {', 'policy')).message).toMatch(/^policy is not valid JSON: (Unexpected end of JSON input|Expected .*)$/);
  });

  it('YAML: says what is wrong and where, without the lines around it', () => {
    const err = refusal(() => parsePolicyText('cleanup:\n  mode: [hunter2-secret\n', 'policy file p.yaml', 'yaml'));
    expect(err.message).toBe('policy file p.yaml is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 1');
    expect(err.cause).toBeUndefined();
  });

  it('a credentials file given as the policy: refused without a word of it', () => {
    const err = refusal(() => parsePolicyText('[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI\n', 'policy file credentials'));
    expect(err.message).not.toMatch(/AKIA|wJalr|default/);
  });
});
