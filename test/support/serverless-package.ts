import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readZip } from './zip';

const ROOT = join(import.meta.dirname, '..', '..');

/** A CloudFormation resource of the generated template. */
export interface Resource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties of every resource type
  Properties: Record<string, any>;
  DependsOn?: string | string[];
  Condition?: string;
}

/** One IAM policy statement as the template holds it. */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** What `serverless package` wrote: the template, and each function's zip. */
export interface ServicePackage {
  /** The package directory; remove it when done. */
  dir: string;
  /** The CloudFormation template `serverless deploy` would send. */
  resources: Record<string, Resource>;
  outputs: Record<string, unknown>;
  /** Function name (`on-push`) -> zip path. */
  zips: Record<string, string>;
}

/** Runs `serverless package` (the local osls, bounded in time) into `dir` with the stage params given. */
function runPackage(dir: string, params: Record<string, string>): void {
  // serverless-esbuild stages each function in a temporary directory of its own and leaves it there.
  const scratch = join(dir, 'tmp');
  mkdirSync(scratch);
  const args = Object.entries(params).map(([key, value]) => `--param=${key}=${value}`);
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'), 'package', '--package', dir, ...args], {
    cwd: ROOT,
    timeout: 120_000,
    stdio: 'pipe',
    env: { ...process.env, TMPDIR: scratch, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
  });
}

/**
 * Runs `serverless package` offline into a fresh directory (the local osls, bounded in time) and reads the
 * result. Call it once per test file: it takes a few seconds. `params` are the stage's params
 * (`{ policyFile: 'test/fixtures/deploy/….yaml' }`).
 */
export function packageService(params: Record<string, string> = {}): ServicePackage {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-keeper-package-'));
  runPackage(dir, params);
  const template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as {
    Resources: Record<string, Resource>;
    Outputs?: Record<string, unknown>;
  };
  const zips = Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.zip'))
      .map((f) => [basename(f, '.zip'), join(dir, f)]),
  );
  return { dir, resources: template.Resources, outputs: template.Outputs ?? {}, zips };
}

/**
 * Runs `serverless package` that is expected to fail, and returns what it printed and the files it left in
 * its package directory (removed before returning).
 */
export function failedPackage(params: Record<string, string>): { output: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-keeper-package-'));
  try {
    runPackage(dir, params);
    throw new Error(`serverless package succeeded with ${JSON.stringify(params)}`);
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: Buffer; stderr?: Buffer };
    if (stdout === undefined && stderr === undefined) throw err;
    return { output: `${stdout ?? ''}${stderr ?? ''}`, files: readdirSync(dir).filter((f) => f !== 'tmp') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The template's path in the package directory. */
export const templatePath = (pkg: ServicePackage) => join(pkg.dir, 'cloudformation-template-update-stack.json');

/** Resources of one type, by logical id. */
export function resourcesOfType(pkg: ServicePackage, type: string): [string, Resource][] {
  return Object.entries(pkg.resources).filter(([, r]) => r.Type === type);
}

/** The logical id a reference (`Ref`, `Fn::GetAtt`, or `Fn::Sub: '${Id.Arn}'`) points at. */
export function referencedId(value: unknown): string | undefined {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Sub'?: string };
  if (typeof v?.Ref === 'string') return v.Ref;
  if (Array.isArray(v?.['Fn::GetAtt'])) return v['Fn::GetAtt'][0];
  const sub = typeof v?.['Fn::Sub'] === 'string' ? /^\$\{([A-Za-z0-9]+)\.Arn\}$/.exec(v['Fn::Sub']) : null;
  return sub?.[1];
}

/** The deployed functions by serverless name (`on-push`), with their logical ids. */
export function functionsOf(pkg: ServicePackage): Record<string, { id: string; resource: Resource }> {
  return Object.fromEntries(
    resourcesOfType(pkg, 'AWS::Lambda::Function').map(([id, resource]) => [
      String(resource.Properties.FunctionName).replace(/^ecr-keeper-[a-z0-9]+-/, ''),
      { id, resource },
    ]),
  );
}

/** The IAM statements of the role a function runs with. */
export function roleStatements(pkg: ServicePackage, fn: string): Statement[] {
  const roleId = referencedId(functionsOf(pkg)[fn]?.resource.Properties.Role);
  const role = roleId ? pkg.resources[roleId] : undefined;
  if (!role) throw new Error(`function ${fn} has no role of its own in the template`);
  return (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
}

/** A statement's actions as a list. */
export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** Sizes of a function's package: the zip, and the bundle inside it. */
export function bundleOf(pkg: ServicePackage, fn: string): { files: string[]; zipBytes: number; bundleBytes: number; code: string } {
  const zip = pkg.zips[fn];
  if (!zip) throw new Error(`no package for function ${fn}`);
  const files = readZip(zip);
  const bundle = files.get(`functions/${fn}.cjs`);
  return { files: [...files.keys()], zipBytes: statSync(zip).size, bundleBytes: bundle?.length ?? 0, code: bundle?.toString('utf8') ?? '' };
}

/** AWS SDK clients bundled as externals, and the IAM service prefix of their calls. */
const SDK_SERVICES: Record<string, string> = {
  'client-ecr': 'ecr',
  'client-eventbridge': 'events',
  'client-sqs': 'sqs',
  'client-sts': 'sts',
  'client-organizations': 'organizations',
  'client-ecs': 'ecs',
  'client-lambda': 'lambda',
  'client-batch': 'batch',
  'client-inspector2': 'inspector2',
  'client-s3': 's3',
  'client-dynamodb': 'dynamodb',
};
/** Waiters call an action of their own. */
const WAITER_ACTIONS: Record<string, string> = { waitUntilImageScanComplete: 'DescribeImageScanFindings' };
/** SDK operations authorized by an IAM action of another name. */
const IAM_ACTION_OF: Record<string, string> = {
  'sqs:SendMessageBatch': 'sqs:SendMessage',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'lambda:Invoke': 'lambda:InvokeFunction',
};

/** The IAM action that authorizes an SDK operation (`sqs`, `SendMessageBatch` -> `sqs:SendMessage`). */
export function iamAction(service: string, operation: string): string {
  const action = `${service}:${operation}`;
  return IAM_ACTION_OF[action] ?? action;
}

/**
 * The IAM actions a bundle can call: every `<client>.<Name>Command`, `paginate<Name>` and `waitUntil<Name>`
 * it takes from an AWS SDK client (the SDK is external to the bundles, so each use is a property of a
 * `require("@aws-sdk/client-…")` value). Code esbuild left out as unused is not counted.
 */
export function bundleActions(code: string): string[] {
  const actions = new Set<string>();
  for (const m of code.matchAll(/([A-Za-z_$][\w$]*)=(?:[A-Za-z_$][\w$]*\()?require\("@aws-sdk\/(client-[a-z0-9-]+)"\)/g)) {
    const [, variable, client] = m;
    const service = SDK_SERVICES[client!];
    if (!service) throw new Error(`bundle uses @aws-sdk/${client}, which has no IAM prefix in SDK_SERVICES`);
    for (const use of code.matchAll(new RegExp(`(?<![\\w$])${variable!.replace(/\$/g, '\\$')}\\.(\\w+)`, 'g'))) {
      const name = use[1]!;
      let operation: string | undefined;
      if (name.endsWith('Command')) operation = name.slice(0, -'Command'.length);
      else if (name.startsWith('paginate')) operation = name.slice('paginate'.length);
      else if (name.startsWith('waitUntil')) {
        operation = WAITER_ACTIONS[name];
        if (!operation) throw new Error(`bundle uses the waiter ${name}, which has no action in WAITER_ACTIONS`);
      }
      if (operation) actions.add(iamAction(service, operation));
    }
  }
  return [...actions].sort();
}
