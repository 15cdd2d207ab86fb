import { Readable } from 'node:stream';
import { ECRClient } from '@aws-sdk/client-ecr';
import { mapRepositories, walkImages } from '../lib/walker';
import { rssSampler } from './memory';

/** Figures of the walker-scale run. */
export interface WalkerScaleResult {
  repositories: number;
  images: number;
  pages: { describeRepositories: number; describeImages: number };
  wallMs: number;
  /** Time spent by the stub transport generating page bodies, measured apart and subtracted. */
  stubMs: number;
  /** Wall time per image minus the stub: the walker plus the SDK's own deserialisation. */
  nsPerImage: number;
  startRss: number;
  peakRss: number;
  /** Heap in use after a full GC at the end (only when node runs with --expose-gc). */
  heapAfterGc?: number;
}

const PAGE = 1000;

/**
 * A transport that answers DescribeRepositories and DescribeImages with full pages of generated JSON,
 * the way ECR's HTTP API does, with no network. (aws-sdk-client-mock is not used here: sinon records
 * every call and its return value, so the stub itself would hold all 200,000 images.)
 */
function stubTransport(repositories: number, perRepo: number, stats: { stubNs: bigint; pages: WalkerScaleResult['pages'] }) {
  const now = Math.floor(Date.now() / 1000);
  return {
    async handle(request: { headers: Record<string, string>; body?: string | Uint8Array }) {
      const started = process.hrtime.bigint();
      const action = (request.headers['x-amz-target'] ?? '').split('.').pop();
      const input = JSON.parse(typeof request.body === 'string' ? request.body : request.body ? new TextDecoder().decode(request.body) : '{}') as { nextToken?: string; repositoryName?: string };
      const start = Number(input.nextToken ?? 0);
      let body: object;
      if (action === 'DescribeRepositories') {
        stats.pages.describeRepositories++;
        const end = Math.min(start + PAGE, repositories);
        body = {
          repositories: Array.from({ length: end - start }, (_, i) => {
            const name = `team-${Math.floor((start + i) / 100)}/svc-${start + i}`;
            return { repositoryName: name, repositoryArn: `arn:aws:ecr:us-east-1:123456789012:repository/${name}`, registryId: '123456789012', createdAt: now };
          }),
          ...(end < repositories ? { nextToken: String(end) } : {}),
        };
      } else if (action === 'DescribeImages') {
        stats.pages.describeImages++;
        const end = Math.min(start + PAGE, perRepo);
        body = {
          imageDetails: Array.from({ length: end - start }, (_, i) => {
            const n = start + i;
            return {
              registryId: '123456789012',
              repositoryName: input.repositoryName,
              imageDigest: `sha256:${n.toString(16).padStart(64, '0')}`,
              ...(n % 2 === 0 ? { imageTags: [`v${n}`] } : {}),
              imageSizeInBytes: 25_000_000 + n,
              imagePushedAt: now - n,
              imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
            };
          }),
          ...(end < perRepo ? { nextToken: String(end) } : {}),
        };
      } else {
        throw new Error(`walker-scale stub: unexpected action ${action}`);
      }
      const payload = Buffer.from(JSON.stringify(body));
      stats.stubNs += process.hrtime.bigint() - started;
      return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([payload]) } };
    },
  };
}

/**
 * Walks `repositories` x `imagesPerRepository` images served in full pages by a stubbed transport (no
 * network, fresh objects for every page), to show that memory stays flat and to time the work per image.
 */
export async function walkerScale(options: { repositories?: number; imagesPerRepository?: number; concurrency?: number } = {}): Promise<WalkerScaleResult> {
  const repositories = options.repositories ?? 2000;
  const perRepo = options.imagesPerRepository ?? 100;
  const stats = { stubNs: 0n, pages: { describeRepositories: 0, describeImages: 0 } };
  const ecr = new ECRClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler: stubTransport(repositories, perRepo, stats) as never,
  });

  const sampler = rssSampler();
  const started = process.hrtime.bigint();
  let images = 0;
  let bytes = 0;
  const run = await mapRepositories(ecr, { concurrency: options.concurrency ?? 8 }, async (repo) => {
    for await (const image of walkImages(ecr, repo.name)) {
      images++;
      bytes += image.imageSizeInBytes ?? 0;
    }
  });
  const wallNs = process.hrtime.bigint() - started;
  const { peakRss, startRss } = sampler.stop();
  if (run.failures.length > 0 || run.results.length !== repositories || images !== repositories * perRepo || bytes <= 0) {
    throw new Error(`walker-scale run is wrong: ${run.results.length} repositories, ${images} images, ${run.failures.length} failures`);
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return {
    repositories,
    images,
    pages: stats.pages,
    wallMs: Number(wallNs) / 1e6,
    stubMs: Number(stats.stubNs) / 1e6,
    nsPerImage: Number(wallNs - stats.stubNs) / images,
    startRss,
    peakRss,
    ...(gc ? { heapAfterGc: process.memoryUsage().heapUsed } : {}),
  };
}

/**
 * Runs {@link walkerScale} in a fresh `node --expose-gc` process from an esbuild bundle, as a Lambda
 * would run it, so that the RSS figures are the walker's and not those of the bench's own tooling.
 */
export async function walkerScaleInChild(options: { repositories: number; imagesPerRepository: number; concurrency: number }): Promise<WalkerScaleResult> {
  const { build } = await import('esbuild');
  const { execFileSync } = await import('node:child_process');
  const { join, resolve } = await import('node:path');
  const root = resolve(import.meta.dirname, '..');
  const outfile = join(root, '.bench-build', 'walker-scale.mjs');
  await build({
    entryPoints: [join(root, 'bench', 'walker-scale-main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  const out = execFileSync(process.execPath, ['--expose-gc', outfile, JSON.stringify(options)], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.toString()) as WalkerScaleResult;
}
