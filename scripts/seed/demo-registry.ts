import {
  CreateRepositoryCommand,
  PutLifecyclePolicyCommand,
  PutRegistryScanningConfigurationCommand,
  SetRepositoryPolicyCommand,
  type ECRClient,
  type ImageTagMutability,
} from '@aws-sdk/client-ecr';
import { imageIndex, imageManifest, pushImage, referrerArtifact } from './images';

interface DemoRepository {
  name: string;
  mutability: ImageTagMutability;
  scanOnPush: boolean;
  kms?: boolean;
  lifecycle?: boolean;
  skip?: boolean;
  access?: 'public' | 'cross-account';
  /** Tagged single-platform images. */
  tagged: number;
  /** Untagged images (tags moved on to newer builds). */
  untagged: number;
  /** A tagged multi-arch index with untagged children, and a signature of it. */
  multiArch?: boolean;
}

const LIFECYCLE = JSON.stringify({
  rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }, action: { type: 'expire' } }],
});

function repositoryPolicy(kind: 'public' | 'cross-account'): string {
  const principal = kind === 'public' ? '*' : { AWS: ['arn:aws:iam::210987654321:root', '111122223333'] };
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'pull', Effect: 'Allow', Principal: principal, Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] }],
  });
}

/** The demo registry: a few dozen repositories of several teams, some in policy and some not. */
export function demoRepositories(): DemoRepository[] {
  const repos: DemoRepository[] = [];
  for (const svc of ['api', 'worker', 'web', 'auth', 'billing', 'search', 'notifications', 'gateway']) {
    repos.push({ name: `payments/${svc}`, mutability: 'IMMUTABLE', scanOnPush: true, lifecycle: true, kms: svc === 'billing', tagged: 4, untagged: 2, multiArch: svc === 'api' || svc === 'gateway' });
  }
  for (const svc of ['frontend', 'backend', 'jobs', 'cron', 'admin', 'reports']) {
    repos.push({ name: `storefront/${svc}`, mutability: 'MUTABLE', scanOnPush: svc !== 'jobs', tagged: 3, untagged: 5, multiArch: svc === 'frontend' });
  }
  for (const svc of ['ml-train', 'ml-serve', 'notebooks', 'feature-store']) {
    repos.push({ name: `data/${svc}`, mutability: 'IMMUTABLE', scanOnPush: false, tagged: 2, untagged: 3, access: svc === 'ml-serve' ? 'cross-account' : undefined });
  }
  for (const svc of ['base-images', 'ci-runner', 'tools']) {
    repos.push({ name: `platform/${svc}`, mutability: 'IMMUTABLE', scanOnPush: true, lifecycle: true, tagged: 5, untagged: 1, multiArch: svc === 'base-images', access: svc === 'base-images' ? 'public' : undefined });
  }
  for (const svc of ['monolith', 'old-api', 'ftp-bridge']) {
    repos.push({ name: `legacy/${svc}`, mutability: 'MUTABLE', scanOnPush: false, skip: true, tagged: 2, untagged: 6 });
  }
  for (const svc of ['alice-test', 'bob-spike']) {
    repos.push({ name: `sandbox/${svc}`, mutability: 'MUTABLE', scanOnPush: false, tagged: 1, untagged: 2 });
  }
  return repos;
}

/**
 * Seeds the demo registry into the ECR endpoint `ecr` talks to (moto in the demo).
 *
 * @example
 * await seedDemoRegistry(createEcrClient());
 */
export async function seedDemoRegistry(ecr: ECRClient): Promise<{ repositories: number; images: number }> {
  let images = 0;
  await ecr.send(
    new PutRegistryScanningConfigurationCommand({
      scanType: 'BASIC',
      rules: [{ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [{ filter: 'platform/*', filterType: 'WILDCARD' }] }],
    }),
  );
  const repos = demoRepositories();
  for (const repo of repos) {
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: repo.name,
        imageTagMutability: repo.mutability,
        imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
        ...(repo.kms ? { encryptionConfiguration: { encryptionType: 'KMS' } } : {}),
        ...(repo.skip ? { tags: [{ Key: 'ecr-keeper:skip', Value: 'true' }] } : {}),
      }),
    );
    if (repo.lifecycle) await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: repo.name, lifecyclePolicyText: LIFECYCLE }));
    if (repo.access) await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: repo.name, policyText: repositoryPolicy(repo.access) }));
    for (let i = 0; i < repo.tagged; i++) {
      await pushImage(ecr, repo.name, imageManifest(`${repo.name}:${i}`, { sizeBytes: 20_000_000 + i * 1_000_000 }), `1.${i}.0`);
      images++;
    }
    for (let i = 0; i < repo.untagged; i++) {
      await pushImage(ecr, repo.name, imageManifest(`${repo.name}:old-${i}`, { sizeBytes: 18_000_000 }));
      images++;
    }
    if (repo.multiArch) {
      const children = ['linux/amd64', 'linux/arm64'].map((platform) => imageManifest(`${repo.name}:multi`, { format: 'oci', platform }));
      for (const child of children) await pushImage(ecr, repo.name, child);
      const index = imageIndex(children);
      await pushImage(ecr, repo.name, index, 'multi-arch');
      await pushImage(ecr, repo.name, referrerArtifact(index, `${repo.name}:sig`));
      images += 4;
    }
  }
  return { repositories: repos.length, images };
}
