import { BatchClient } from '@aws-sdk/client-batch';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { Inspector2Client } from '@aws-sdk/client-inspector2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { BASE_CLIENT_CONFIG } from '../aws/clients';
import type { InUseDeps } from './read';

/** The clients the in-use sources read with. */
export type InUseClients = Omit<InUseDeps, 'ecr' | 'now'>;

const made = new WeakMap<ECRClient, InUseClients>();

/**
 * The in-use clients that go with an ECR client: the same region and credentials (an assumed role's too),
 * the shared retry settings, endpoints from the SDK's own settings. Made once per ECR client and kept, as a
 * handler's module-scope clients are: a run reads its in-use sources with the identity it cleans up with.
 *
 * @example
 * const inUse = await readInUse({ ecr, ...inUseClientsFor(ecr) }, policy.inUse, target);
 */
export function inUseClientsFor(ecr: ECRClient): InUseClients {
  const known = made.get(ecr);
  if (known) return known;
  const config = { ...BASE_CLIENT_CONFIG, region: ecr.config.region, credentials: ecr.config.credentials };
  const clients: InUseClients = {
    ecs: new ECSClient(config),
    lambda: new LambdaClient(config),
    batch: new BatchClient(config),
    inspector: new Inspector2Client(config),
    s3: new S3Client(config),
  };
  made.set(ecr, clients);
  return clients;
}
