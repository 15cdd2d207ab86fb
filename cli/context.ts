import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { AwsClients } from '../lib/aws/clients';
import { createClients } from '../lib/aws/clients';
import { UsageError } from '../lib/errors';
import { streamLog, type Log } from '../lib/log';
import { policyWarnings, type Policy } from '../lib/policy';
import { loadPolicyFile, loadPolicyFromEnv } from '../lib/policy-loader';
import { OUTPUT_FORMATS, type OutputFormat } from '../lib/report/table';
import { logAwsCalls } from './aws-call-log';
import { checkOutputFile, formatForOutputFile, writeOutputFile } from './output-file';

/** Exit codes of the CLI: one table, in ./exit-codes.ts (which `--help` loads without the AWS SDK). */
export { EXIT } from './exit-codes';

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where `--apply` reads its confirmation on a terminal; none: never asked. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Pre-built clients (tests); otherwise built once from the environment and `--region`. */
  clients?: AwsClients;
  /** Pre-built STS and Organizations clients (tests): who the caller is, the member roles, the organization. */
  sts?: STSClient;
  organizations?: OrganizationsClient;
  /** The caller's credentials (tests); otherwise the environment's or `--profile`'s. */
  credentials?: AwsCredentialIdentity;
}

/** Options every command takes. */
export const COMMON_OPTIONS = {
  policy: { type: 'string' },
  format: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  output: { type: 'string', short: 'o' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** Options of the commands that walk repositories (audit, enforce, cleanup), on top of the common ones. */
export const WALK_OPTIONS = {
  ...COMMON_OPTIONS,
  // Targets: both repeatable, they narrow or override the policy's `targets`.
  region: { type: 'string', multiple: true },
  account: { type: 'string', multiple: true },
  repository: { type: 'string', multiple: true },
  concurrency: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const COMMON_HELP = `Common options:
  --policy FILE        policy file (.json, .yaml); default: $ECR_KEEPER_POLICY, $ECR_KEEPER_POLICY_FILE, built-in defaults
  --format FORMAT      table | json | markdown (default: table on a terminal, json otherwise; with --output,
                       from the file name: .md markdown, .txt table, json otherwise)
  --region REGION      AWS region (default: from the environment / profile)
  --profile NAME       credentials and region from this profile of the AWS config files
  -o, --output FILE    write the report to FILE instead of stdout (checked before the run, written whole)
  -v, --verbose        each repository and each AWS call (duration, attempts) on stderr, stack traces of errors
  -h, --help           this help`;

export const WALK_HELP = `Targets (the policy's \`targets\`: accounts x regions; docs/accounts-and-regions.md):
  --account ID         only this account (repeatable); with accounts: organization, an ACTIVE member
  --region REGION      only this region (repeatable); overrides the policy's regions

Repositories:
  --repository NAME    only this repository (repeatable); the policy's include/exclude still apply
  --concurrency N      repositories worked on at once (default: the policy's runtime.concurrency)

${COMMON_HELP}`;

/** Parses a command's arguments, turning parse errors into a {@link UsageError}. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The parsed common options, resolved: policy loaded, clients built, format chosen. */
export interface CommandContext {
  io: CliIo;
  policy: Policy;
  clients: AwsClients;
  format: OutputFormat;
  /** A format only the command's job renders (`--format asff`); `format` is then `json`, unused. */
  extraFormat?: string;
  names?: string[];
  concurrency?: number;
  /** `--output FILE`: where the report goes instead of stdout. */
  output?: string;
  verbose: boolean;
  log: Log;
}

/** Builds what every command needs from its common options; `extraFormats`: formats only this command has. */
export async function commandContext(
  io: CliIo,
  values: { policy?: string; format?: string; region?: string | string[]; profile?: string; output?: string; repository?: string[]; concurrency?: string; verbose?: boolean },
  extraFormats: readonly string[] = [],
): Promise<CommandContext> {
  if (values.output !== undefined) checkOutputFile(values.output);
  const asked = values.format ?? (values.output !== undefined ? formatForOutputFile(values.output) : io.stdout.isTTY ? 'table' : 'json');
  const extraFormat = extraFormats.includes(asked) ? asked : undefined;
  const format = (extraFormat ? 'json' : asked) as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${[...OUTPUT_FORMATS, ...extraFormats].join(', ')}, not "${values.format}"`);
  }
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      throw new UsageError(`--concurrency must be a whole number from 1 to 64, not "${values.concurrency}"`);
    }
  }
  const policy = values.policy ? loadPolicyFile(values.policy) : loadPolicyFromEnv(io.env);
  const log = streamLog(io.stderr, { verbose: values.verbose === true });
  for (const warning of policyWarnings(policy)) log.warn(warning);
  // A list of regions (`--region`, repeatable) names targets; the home clients keep the credentials' region.
  const region = typeof values.region === 'string' ? values.region : undefined;
  const clients = io.clients ?? createClients({ ...(region ? { region } : {}), ...(values.profile ? { profile: values.profile } : {}) });
  if (values.verbose) {
    const line = (text: string) => io.stderr.write(`${text}\n`);
    logAwsCalls(clients.ecr, line);
    logAwsCalls(clients.events, line);
  }
  return {
    io,
    policy,
    clients,
    format,
    ...(extraFormat ? { extraFormat } : {}),
    ...(values.repository?.length ? { names: values.repository } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(values.output !== undefined ? { output: values.output } : {}),
    verbose: values.verbose === true,
    log,
  };
}

/**
 * Writes a command's report where it goes: to `--output FILE` (and a line on stderr saying so), or stdout.
 *
 * @example
 * emitReport(ctx, job.render(report, ctx.format));
 */
export function emitReport(ctx: Pick<CommandContext, 'io' | 'output'>, text: string): void {
  if (ctx.output === undefined) {
    ctx.io.stdout.write(text);
    return;
  }
  writeOutputFile(ctx.output, text);
  ctx.io.stderr.write(`wrote the report to ${ctx.output}\n`);
}
