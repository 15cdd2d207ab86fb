import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PolicyError } from './errors';
import { defaultPolicy, parsePolicyData, parsePolicyJson, POLICY_ENV, type Policy } from './policy';

/**
 * Policy files and text for the CLI: JSON or YAML. Kept apart from lib/policy.ts so that Lambda
 * bundles, which receive JSON, do not carry a YAML parser.
 */

/** Parses policy text: JSON when `format` says so or it looks like JSON, YAML otherwise. */
export function parsePolicyText(text: string, origin = 'policy', format?: 'json' | 'yaml'): Policy {
  const kind = format ?? (/^\s*[{[]/.test(text) ? 'json' : 'yaml');
  if (kind === 'json') return parsePolicyJson(text, origin);
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    // Not kept as the cause: the YAML parser's message quotes the lines around the problem, which may not
    // be a policy at all (a credentials file passed by mistake).
    throw new PolicyError(`${origin} is not valid YAML: ${yamlSyntaxProblem(err as Error)}`);
  }
  return parsePolicyData(data, origin);
}

/** The YAML parser's complaint and where (`... at line 3, column 1`), without the quoted lines that follow it. */
export function yamlSyntaxProblem(err: Error): string {
  return err.message.split(/:?\n/)[0]!.trim() || 'not YAML';
}

/**
 * Loads a policy file (`.json`, `.yaml` or `.yml`). Synchronous: it runs once, at start-up.
 *
 * @example
 * const policy = loadPolicyFile('policy/default.yaml');
 */
export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PolicyError(
      code === 'ENOENT' ? `policy file ${path} does not exist` : `cannot read policy file ${path}: ${(err as Error).message}`,
      [],
      { cause: err },
    );
  }
  const ext = extname(path).toLowerCase();
  const format = ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : undefined;
  return parsePolicyText(text, `policy file ${path}`, format);
}

/**
 * Loads the policy from the environment: `ECR_KEEPER_POLICY` (the policy itself, JSON or YAML),
 * else `ECR_KEEPER_POLICY_FILE` (a path), else the defaults.
 */
export function loadPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): Policy {
  const inline = env[POLICY_ENV.inline];
  if (inline !== undefined && inline.trim() !== '') return parsePolicyText(inline, `policy in $${POLICY_ENV.inline}`);
  const file = env[POLICY_ENV.file];
  if (file !== undefined && file.trim() !== '') return loadPolicyFile(file);
  return defaultPolicy();
}
