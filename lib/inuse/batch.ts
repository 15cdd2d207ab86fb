import { paginateDescribeJobDefinitions, type BatchClient, type JobDefinition } from '@aws-sdk/client-batch';
import { MAX_BATCH_JOB_DEFINITIONS_PAGE } from '../limits';
import type { ImageUse } from './types';

/** Every container image a job definition names: single container, multi-node, ECS and EKS properties. */
export function jobDefinitionImages(definition: JobDefinition): string[] {
  const images = [
    definition.containerProperties?.image,
    ...(definition.nodeProperties?.nodeRangeProperties ?? []).flatMap((range) => [
      range.container?.image,
      ...(range.ecsProperties?.taskProperties ?? []).flatMap((t) => (t.containers ?? []).map((c) => c.image)),
      ...(range.eksProperties?.podProperties?.containers ?? []).map((c) => c.image),
    ]),
    ...(definition.ecsProperties?.taskProperties ?? []).flatMap((t) => (t.containers ?? []).map((c) => c.image)),
    ...(definition.eksProperties?.podProperties?.containers ?? []).map((c) => c.image),
    ...(definition.eksProperties?.podProperties?.initContainers ?? []).map((c) => c.image),
  ];
  return [...new Set(images.filter((i): i is string => typeof i === 'string' && i !== ''))];
}

/**
 * Every image an ACTIVE AWS Batch job definition names; users are the job definition ARNs.
 *
 * Calls: DescribeJobDefinitions pages (status ACTIVE, 100 a page).
 *
 * @example
 * const uses = await readBatchImageUses(new BatchClient({}));
 */
export async function readBatchImageUses(batch: BatchClient): Promise<ImageUse[]> {
  const uses: ImageUse[] = [];
  for await (const page of paginateDescribeJobDefinitions({ client: batch, pageSize: MAX_BATCH_JOB_DEFINITIONS_PAGE }, { status: 'ACTIVE' })) {
    for (const definition of page.jobDefinitions ?? []) {
      // The server's status filter is not trusted: an INACTIVE definition cannot start jobs.
      if (definition.status !== undefined && definition.status !== 'ACTIVE') continue;
      for (const image of jobDefinitionImages(definition)) uses.push({ image, user: definition.jobDefinitionArn ?? definition.jobDefinitionName ?? '' });
    }
  }
  return uses;
}
