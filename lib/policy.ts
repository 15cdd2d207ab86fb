import * as z from 'zod';
import { PolicyError } from './errors';
import { GlobPatternSchema } from './glob';
import { InUseSchema } from './inuse/policy-schema';
import {
  MAX_REPLICATION_DESTINATIONS,
  MAX_REPLICATION_FILTERS_PER_RULE,
  MAX_REPLICATION_RULES,
  MAX_REPOSITORIES_PER_WORK_ITEM,
  MAX_TAG_MUTABILITY_EXCLUSIONS,
} from './limits';
import { TargetsSchema } from './targets/schema';
import { RetentionSchema } from './retention/policy-schema';
import { EncryptionSectionSchema } from './posture/encryption-schema';
import { baselineWarnings } from './posture/lifecycle-baseline';
import { LifecyclePolicySectionSchema } from './posture/lifecycle-policy-schema';
import { RepositoryPolicySectionSchema } from './posture/repository-policy-schema';

/** Scan severities from the most to the least severe, as ECR names them. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** Every tag mutability mode of the current ECR model. */
export const TAG_MUTABILITY_MODES = ['IMMUTABLE', 'MUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'] as const;

const globPattern = GlobPatternSchema;

const RepositoriesSchema = z.strictObject({
  /** Glob patterns on repository names; `*` stays within a path segment, `**` crosses `/`. */
  include: z.array(globPattern).min(1, 'must list at least one pattern (use "**" for all)').default(['**']),
  exclude: z.array(globPattern).default([]),
  /** Repository resource tag whose value `true` opts a repository out of every job. */
  skipTag: z.string().min(1).max(128).default('ecr-keeper:skip'),
});

const TagMutabilitySchema = z
  .strictObject({
    mode: z.enum(TAG_MUTABILITY_MODES).default('IMMUTABLE'),
    /** Wildcard tag filters (ECR `WILDCARD` exclusion filters); only with the `*_WITH_EXCLUSION` modes. */
    exclusions: z
      .array(z.string().regex(/^[0-9a-zA-Z._*-]{1,128}$/, 'must be 1-128 of [0-9a-zA-Z._*-] (an ECR wildcard filter)'))
      .max(MAX_TAG_MUTABILITY_EXCLUSIONS, `ECR allows at most ${MAX_TAG_MUTABILITY_EXCLUSIONS} exclusion filters`)
      .default([]),
  })
  .superRefine((value, ctx) => {
    const withExclusion = value.mode.endsWith('_WITH_EXCLUSION');
    if (withExclusion && value.exclusions.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['exclusions'], message: `mode ${value.mode} needs at least one exclusion filter` });
    }
    if (!withExclusion && value.exclusions.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['exclusions'],
        message: `exclusions only apply to the *_WITH_EXCLUSION modes, not ${value.mode}`,
      });
    }
  });

const ScanSchema = z.strictObject({
  /** The least severe finding that fails an image. */
  failOn: SeveritySchema.default('HIGH'),
  /**
   * How long the push handler waits on a scan before answering "pending" (also bounded by the Lambda's time);
   * the scan-complete event is the normal path, this short wait only saves it for quick scans.
   */
  waitSeconds: z.int().min(0).max(900).default(60),
  /** Vulnerability ids (CVE-..., GHSA-..., ALAS...) that never fail an image. */
  ignore: z.array(z.string().min(3).max(128)).default([]),
  /** Findings listed in a verdict (the counts always cover all of them). */
  topFindings: z.int().min(0).max(100).default(10),
  /** Basic scanning: the rescan job scans an image again once its last scan completed this many days ago. */
  rescanAfterDays: z.number().min(1).max(3650).default(7),
  /** Basic scanning: tagged images pushed within this many days are in the rescan job's scope. */
  rescanPushedWithinDays: z.number().min(1).max(36500).default(90),
  /** What the scheduled rescan does: `apply` starts the due scans, `dry-run` lists them. The CLI needs --apply. */
  rescanMode: z.enum(['dry-run', 'apply']).default('apply'),
});

const ReplicationRuleSchema = z.strictObject({
  destinations: z
    .array(
      z.strictObject({
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1'),
        registryId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
      }),
    )
    .min(1, 'a rule needs at least one destination'),
  repositoryFilters: z
    .array(
      z.strictObject({
        filter: z.string().regex(/^[a-z0-9][a-z0-9._/-]*$/, 'must be a repository name prefix (lower case)').max(256),
        filterType: z.literal('PREFIX_MATCH', { error: 'ECR supports only PREFIX_MATCH filters' }).default('PREFIX_MATCH'),
      }),
    )
    .max(MAX_REPLICATION_FILTERS_PER_RULE, `ECR allows at most ${MAX_REPLICATION_FILTERS_PER_RULE} filters per rule`)
    .default([]),
});

const ReplicationSchema = z
  .strictObject({
    /** `merge`: make sure the policy's rules exist and keep others; `replace`: exactly the policy's rules. */
    mode: z.enum(['merge', 'replace']).default('merge'),
    rules: z.array(ReplicationRuleSchema).max(MAX_REPLICATION_RULES, `ECR allows at most ${MAX_REPLICATION_RULES} rules`).default([]),
  })
  .superRefine((value, ctx) => {
    const destinations = value.rules.reduce((n, r) => n + r.destinations.length, 0);
    if (destinations > MAX_REPLICATION_DESTINATIONS) {
      ctx.addIssue({
        code: 'custom',
        path: ['rules'],
        message: `ECR allows at most ${MAX_REPLICATION_DESTINATIONS} destinations across all rules, the policy has ${destinations}`,
      });
    }
  });

const CleanupSchema = z.strictObject({
  /** Untagged images younger than this are kept. */
  untaggedOlderThanDays: z.number().min(0).max(36500).default(7),
  /** Keep an untagged image ECR saw pulled within this many days (`lastRecordedPullTime`); null: ignore pulls. */
  keepPulledWithinDays: z.number().min(0).max(36500).nullable().default(null),
  /** Deletions per run, across all repositories. */
  maxDeletesPerRun: z.int().min(0).default(10000),
  /**
   * What the scheduled Lambda does: `dry-run` plans and reports only, `apply` deletes. The CLI needs --apply.
   * `delete` is the deprecated spelling of `apply` (see {@link policyWarnings}).
   */
  mode: z.enum(['dry-run', 'apply', 'delete']).default('dry-run'),
});

const EnforceSchema = z.strictObject({
  /**
   * What the scheduled and drift Lambdas do: `dry-run` (the default: nothing is written until the policy says
   * so) plans and reports only, `apply` writes. The CLI needs --apply.
   */
  mode: z.enum(['apply', 'dry-run']).default('dry-run'),
});

const EventsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  busName: z.string().min(1).max(1600).default('default'),
  source: z
    .string()
    .min(1)
    .max(256)
    .refine((s) => !s.startsWith('aws.'), 'must not start with "aws." (reserved for AWS services)')
    .default('ecr-keeper'),
});

const RuntimeSchema = z.strictObject({
  /** Repositories worked on at once within one run; bounds ECR API rates. */
  concurrency: z.int().min(1).max(64).default(8),
  /**
   * The scheduled enforce and cleanup functions hand the repositories out as work items on the work queue,
   * for the worker function to run, instead of working through the registry in one invocation.
   */
  fanOut: z.boolean().default(false),
  /** Repositories in one work item when fanning out. */
  repositoriesPerWorkItem: z.int().min(1).max(MAX_REPOSITORIES_PER_WORK_ITEM).default(20),
});

/** The whole policy. Every key is optional; the defaults make a safe, useful policy. */
export const PolicySchema = z.strictObject({
  repositories: RepositoriesSchema.default(() => RepositoriesSchema.parse({})),
  tagMutability: TagMutabilitySchema.default(() => TagMutabilitySchema.parse({})),
  scanOnPush: z.boolean().default(true),
  scan: ScanSchema.default(() => ScanSchema.parse({})),
  replication: ReplicationSchema.default(() => ReplicationSchema.parse({})),
  cleanup: CleanupSchema.default(() => CleanupSchema.parse({})),
  inUse: InUseSchema.default(() => InUseSchema.parse({})),
  retention: RetentionSchema.default(() => RetentionSchema.parse({})),
  enforce: EnforceSchema.default(() => EnforceSchema.parse({})),
  events: EventsSchema.default(() => EventsSchema.parse({})),
  runtime: RuntimeSchema.default(() => RuntimeSchema.parse({})),
  targets: TargetsSchema.default(() => TargetsSchema.parse({})),
  repositoryPolicy: RepositoryPolicySectionSchema.default(() => RepositoryPolicySectionSchema.parse({})),
  lifecyclePolicy: LifecyclePolicySectionSchema.default(() => LifecyclePolicySectionSchema.parse({})),
  encryption: EncryptionSectionSchema.default(() => EncryptionSectionSchema.parse({})),
});

/** The validated policy, defaults filled in. */
export type Policy = z.infer<typeof PolicySchema>;
/** The policy as written in a file (every key optional). */
export type PolicyInput = z.input<typeof PolicySchema>;

/** Renders zod issues as `path: problem` lines, the path spelled as in the policy file. */
export function formatIssues(error: z.ZodError, root = ''): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
      .join('');
    const where = [root, path].filter(Boolean).join(root && path && !path.startsWith('[') ? '.' : '');
    return `${where || '(root)'}: ${issue.message}`;
  });
}

/**
 * Validates a policy object, filling in defaults. Throws a {@link PolicyError} that names every bad field.
 *
 * @example
 * const policy = parsePolicy({ cleanup: { untaggedOlderThanDays: 14 } });
 */
export function parsePolicy(input: unknown, origin = 'policy'): Policy {
  const result = PolicySchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = formatIssues(result.error);
  throw new PolicyError(`invalid ${origin}:\n  ${issues.join('\n  ')}`, issues);
}

/**
 * What a valid policy still says in a deprecated way, or asks for at a known risk (a lifecycle baseline of its
 * own that counts or expires tagged images), one sentence each: loaders log these as warnings.
 *
 * @example
 * for (const warning of policyWarnings(policy)) log.warn(warning);
 */
export function policyWarnings(policy: Policy): string[] {
  const warnings: string[] = [];
  if (policy.cleanup.mode === 'delete') {
    warnings.push('cleanup.mode "delete" is deprecated: write "apply" (it means the same; "delete" will be refused in a later version)');
  }
  warnings.push(...baselineWarnings(policy.lifecyclePolicy));
  return warnings;
}

/** The default policy (no file): what `parsePolicy({})` gives. */
export function defaultPolicy(): Policy {
  return parsePolicy({});
}

/** The environment variables a policy is read from (see lib/policy-loader.ts for files and YAML). */
export const POLICY_ENV = { inline: 'ECR_KEEPER_POLICY', file: 'ECR_KEEPER_POLICY_FILE' } as const;

/**
 * Parses policy JSON text. Lambda functions read their policy this way: `serverless package` turns
 * the stage's policy file into JSON in `ECR_KEEPER_POLICY`, so no YAML parser ships in the bundles.
 */
export function parsePolicyJson(text: string, origin = 'policy'): Policy {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    // Not kept as the cause: JSON.parse's message quotes the text, which may not be a policy at all.
    throw new PolicyError(`${origin} is not valid JSON: ${jsonSyntaxProblem(err as Error)}`);
  }
  return parsePolicyData(data, origin);
}

/**
 * What JSON.parse found wrong, without the piece of the text its message quotes (`Unexpected token 'h',
 * ..."busName": hunter2"... is not valid JSON`): a file given as the policy by mistake may hold secrets.
 */
export function jsonSyntaxProblem(err: Error): string {
  const token = /^Unexpected token '(.)'/.exec(err.message);
  if (token) return `unexpected character '${token[1]}'`;
  const quote = err.message.indexOf('"');
  const problem = (quote === -1 ? err.message : err.message.slice(0, quote)).replace(/[\s,.]+$/, '');
  return problem || 'not JSON';
}

/** Validates parsed policy data, first checking that it is a mapping at all. */
export function parsePolicyData(data: unknown, origin = 'policy'): Policy {
  if (data !== null && data !== undefined && (typeof data !== 'object' || Array.isArray(data))) {
    throw new PolicyError(`${origin} must be a mapping of keys (an object), not ${Array.isArray(data) ? 'a list' : typeof data}`);
  }
  return parsePolicy(data, origin);
}

/** A Lambda function's policy: the JSON in `ECR_KEEPER_POLICY`, or the defaults when it is unset. */
export function policyFromLambdaEnv(env: NodeJS.ProcessEnv = process.env): Policy {
  const inline = env[POLICY_ENV.inline];
  return inline !== undefined && inline.trim() !== '' ? parsePolicyJson(inline, `policy in $${POLICY_ENV.inline}`) : defaultPolicy();
}
