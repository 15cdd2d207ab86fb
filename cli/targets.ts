import type { AwsClients } from '../lib/aws/clients';
import { createOrganizationsClient, createStsClient } from '../lib/aws/sts-client';
import { UsageError } from '../lib/errors';
import type { Policy } from '../lib/policy';
import type { TargetOverrides } from '../lib/targets/resolve';
import { openTargetsSession } from '../lib/targets/session';
import type { Target } from '../lib/targets/types';
import type { CliIo } from './context';

/** A CLI run's targets and the clients of each. */
export interface CliTargets {
  targets: Target[];
  clientsFor(target: Target): AwsClients;
}

/**
 * The targets of a CLI run: the policy's, narrowed or overridden by `--account` / `--region`, with the
 * caller's credentials from the environment or `--profile`. The caller's own account in the home region
 * (the region of the credentials, or of pre-built clients) uses the CLI's own clients.
 *
 * @example
 * const { targets, clientsFor } = await cliTargets(io, policy, { regions: ['eu-west-1'] }, { profile: 'ops' });
 */
export async function cliTargets(io: CliIo, policy: Policy, overrides: TargetOverrides, options: { profile?: string; cursor?: string } = {}): Promise<CliTargets> {
  const home = io.clients ? await io.clients.ecr.config.region() : undefined;
  const config = { ...(home ? { region: home } : {}), ...(options.profile ? { profile: options.profile } : {}) };
  const sts = io.sts ?? createStsClient(config);
  const organizations = io.organizations ?? createOrganizationsClient(config);
  const session = await openTargetsSession(
    { sts, organizations, ...(options.profile ? { profile: options.profile } : {}), ...(io.credentials ? { baseCredentials: io.credentials } : {}) },
    policy.targets,
    overrides,
  );
  if (options.cursor !== undefined && session.targets.length > 1) {
    throw new UsageError(`--cursor resumes one target's run: name it with --account and --region (this run has ${session.targets.length} targets)`);
  }
  const homeRegion = home ?? session.caller.region;
  return {
    targets: session.targets,
    clientsFor: (target) =>
      io.clients && target.accountId === session.caller.accountId && target.region === homeRegion ? io.clients : session.clients.clients(target),
  };
}
