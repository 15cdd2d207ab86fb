import { Readable } from 'node:stream';
import { getHeapSpaceStatistics } from 'node:v8';
import { ECRClient } from '@aws-sdk/client-ecr';
import { mapRepositories, walkImages } from '../lib/walker';
import { peakRssMeter, type RssFigures } from './memory';

/** Figures of the walker-scale run. */
export interface WalkerScaleResult {
  repositories: number;
  /** Repositories walked at once. */
  concurrency: number;
  images: number;
  pages: { describeRepositories: number; describeImages: number };
  wallMs: number;
  /** Time spent by the stub transport generating page bodies, measured apart and subtracted. */
  stubMs: number;
  /** Wall time per image minus the stub: the walker plus the SDK's own deserialisation. */
  nsPerImage: number;
  /** Peak RSS of the walk (the kernel's high-water mark on Linux). */
  rss: RssFigures;
  /**
   * What the RSS is made of, the largest values seen (sampled after every 25th repository): V8's heap as
   * committed, its young generation (new space) alone, and the off-heap ArrayBuffers (response bodies).
   */
  peaks: { heapTotal: number; newSpace: number; arrayBuffers: number };
  /** Heap in use and ArrayBuffers left after a full GC at the end (only when node runs with --expose-gc): what is kept. */
  afterGc?: { heapUsed: number; arrayBuffers: number };
  /** Extra node options the child ran with (none by default). */
  nodeOptions: string[];
}

/** Repositories between two samples of the memory breakdown. */
const SAMPLE_EVERY = 25;

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
export async function walkerScale(
  options: { repositories?: number; imagesPerRepository?: number; concurrency?: number; nodeOptions?: string[] } = {},
): Promise<WalkerScaleResult> {
  const repositories = options.repositories ?? 2000;
  const perRepo = options.imagesPerRepository ?? 100;
  const concurrency = options.concurrency ?? 8;
  const stats = { stubNs: 0n, pages: { describeRepositories: 0, describeImages: 0 } };
  const ecr = new ECRClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler: stubTransport(repositories, perRepo, stats) as never,
  });

  const peaks = { heapTotal: 0, newSpace: 0, arrayBuffers: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
    peaks.heapTotal = Math.max(peaks.heapTotal, m.heapTotal);
    peaks.newSpace = Math.max(peaks.newSpace, young);
    peaks.arrayBuffers = Math.max(peaks.arrayBuffers, m.arrayBuffers);
  };
  const meter = peakRssMeter();
  const started = process.hrtime.bigint();
  let images = 0;
  let bytes = 0;
  let done = 0;
  const run = await mapRepositories(ecr, { concurrency }, async (repo) => {
    for await (const image of walkImages(ecr, repo.name)) {
      images++;
      bytes += image.imageSizeInBytes ?? 0;
    }
    if (++done % SAMPLE_EVERY === 0) sample();
  });
  const wallNs = process.hrtime.bigint() - started;
  const rss = meter.stop();
  if (run.failures.length > 0 || run.results.length !== repositories || images !== repositories * perRepo || bytes <= 0) {
    throw new Error(`walker-scale run is wrong: ${run.results.length} repositories, ${images} images, ${run.failures.length} failures`);
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  // ArrayBuffers are freed by a sweeper that runs after the collection: collect, let it run, collect again.
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc?.();
  const after = process.memoryUsage();
  return {
    repositories,
    concurrency,
    images,
    pages: stats.pages,
    wallMs: Number(wallNs) / 1e6,
    stubMs: Number(stats.stubNs) / 1e6,
    nsPerImage: Number(wallNs - stats.stubNs) / images,
    rss,
    peaks,
    ...(gc ? { afterGc: { heapUsed: after.heapUsed, arrayBuffers: after.arrayBuffers } } : {}),
    nodeOptions: options.nodeOptions ?? [],
  };
}

/**
 * Runs {@link walkerScale} in a fresh `node --expose-gc` process from an esbuild bundle, as a Lambda
 * would run it, so that the RSS figures are the walker's and not those of the bench's own tooling.
 */
export async function walkerScaleInChild(options: {
  repositories: number;
  imagesPerRepository: number;
  concurrency: number;
  /** Extra node options for the child (e.g. `--max-semi-space-size=4`), to study what drives the peak. */
  nodeOptions?: string[];
}): Promise<WalkerScaleResult> {
  const { build } = await import('esbuild');
  const { execFileSync } = await import('node:child_process');
  const { join, resolve } = await import('node:path');
  const root = resolve(import.meta.dirname, '..');
  const outfile = join(root, '.bench-build', 'walker', 'walker-scale.mjs');
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
  const out = execFileSync(process.execPath, ['--expose-gc', ...(options.nodeOptions ?? []), outfile, JSON.stringify(options)], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.toString()) as WalkerScaleResult;
}
