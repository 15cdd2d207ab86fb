import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { UsageError } from '../../lib/errors';
import { POLICY_ENV, policyWarnings, type Policy } from '../../lib/policy';
import { loadPolicyFile, loadPolicyFromEnv } from '../../lib/policy-loader';
import type { CliIo } from '../context';
import { EXIT } from '../exit-codes';

/** The formats `validate` prints the effective policy in. */
export const VALIDATE_FORMATS = ['yaml', 'json'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

export const validateHelp = `Usage: ecr-keeper validate [--policy FILE] [--format yaml|json]

Checks a policy without AWS: no call, no credentials, no region needed. Prints the effective policy,
every default filled in, on stdout; names every bad field on stderr and exits 2 when it does not validate.
Deprecated settings are accepted with a warning on stderr.

  --policy FILE        policy file (.json, .yaml); default: $${POLICY_ENV.inline}, $${POLICY_ENV.file}, built-in defaults
  --format FORMAT      yaml | json (default: yaml)
  -h, --help           this help

Exit codes: 0 the policy is valid, 2 it is not (or bad usage).

Editors check and complete policy files against policy/schema.json: start a YAML policy with
  # yaml-language-server: $schema=<path or URL of schema.json>`;

/**
 * The effective policy as `validate` prints it.
 *
 * @example
 * renderPolicy(defaultPolicy(), 'json');
 */
export function renderPolicy(policy: Policy, format: ValidateFormat): string {
  return format === 'json' ? `${JSON.stringify(policy, null, 2)}\n` : toYaml(policy, { lineWidth: 0 });
}

/** `ecr-keeper validate`: loads and checks the policy offline, prints it with its defaults; exit 2 when it is bad. */
export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  let values: { policy?: string | undefined; format?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: { policy: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    io.stdout.write(`${validateHelp}\n`);
    return EXIT.OK;
  }
  const format = (values.format ?? 'yaml') as ValidateFormat;
  if (!VALIDATE_FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${VALIDATE_FORMATS.join(', ')} for validate, not "${values.format}"`);
  }
  const policy = values.policy ? loadPolicyFile(values.policy) : loadPolicyFromEnv(io.env);
  const origin = values.policy
    ? `policy file ${values.policy}`
    : io.env[POLICY_ENV.inline]?.trim()
      ? `policy in $${POLICY_ENV.inline}`
      : io.env[POLICY_ENV.file]?.trim()
        ? `policy file ${io.env[POLICY_ENV.file]}`
        : 'the built-in default policy';
  io.stdout.write(renderPolicy(policy, format));
  for (const warning of policyWarnings(policy)) io.stderr.write(`warning: ${warning}\n`);
  io.stderr.write(`${origin} is valid\n`);
  return EXIT.OK;
}
