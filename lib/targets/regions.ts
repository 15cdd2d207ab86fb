/**
 * The AWS regions a policy may name, by partition: the commercial partition, China (aws-cn), GovCloud
 * (aws-us-gov) and the European Sovereign Cloud (aws-eusc), as the AWS SDK's partition data lists them.
 * The isolated partitions (aws-iso*) are left out: ECR there is reached from other tooling.
 * A region that is not here is refused by the policy, so a typo never becomes a run that reaches nothing.
 */
export const REGIONS_BY_PARTITION = {
  aws: [
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-6',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'me-west-1',
    'mx-central-1',
    'sa-east-1',
    'sa-west-1',
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
  'aws-eusc': ['eusc-de-east-1'],
} as const;

/** An AWS partition ecr-keeper can work in. */
export type Partition = keyof typeof REGIONS_BY_PARTITION;
/** A region name of {@link REGIONS_BY_PARTITION}. */
export type RegionName = (typeof REGIONS_BY_PARTITION)[Partition][number];

/** Every known region name, sorted. */
export const AWS_REGIONS: readonly RegionName[] = (Object.values(REGIONS_BY_PARTITION) as readonly (readonly RegionName[])[]).flat().sort();

const PARTITION_OF: ReadonlyMap<string, Partition> = new Map(
  (Object.entries(REGIONS_BY_PARTITION) as [Partition, readonly string[]][]).flatMap(([partition, regions]) => regions.map((r) => [r, partition] as const)),
);

/** True when `name` is a region of {@link REGIONS_BY_PARTITION}. */
export function isKnownRegion(name: string): name is RegionName {
  return PARTITION_OF.has(name);
}

/**
 * The partition a region belongs to, or `undefined` for a region not in {@link REGIONS_BY_PARTITION}.
 *
 * @example
 * partitionOfRegion('cn-north-1'); // 'aws-cn'
 */
export function partitionOfRegion(region: string): Partition | undefined {
  return PARTITION_OF.get(region);
}
