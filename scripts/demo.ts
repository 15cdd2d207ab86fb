/**
 * `npm run demo`: starts moto_server on a free loopback port, seeds a realistic registry, runs the
 * audit exactly as the CLI does and prints it, then stops moto by its PID.
 *
 * The CLI talks to moto through the faithful ECR layer (test/support/faithful-ecr, no faults): moto
 * does not report a signature's `subjectManifestDigest`, which real ECR does and the cleanup plan
 * (behind the audit's "reclaimable" column) relies on; the layer adds it and pages like ECR.
 */
import { main } from '../cli/main';
import { createEcrClient } from '../lib/aws/clients';
import { startFaithfulEcr } from '../test/support/faithful-ecr';
import { MotoServerError, startMotoServer } from './moto-server';
import { seedDemoRegistry } from './seed/demo-registry';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

async function demo(): Promise<number> {
  let moto: Awaited<ReturnType<typeof startMotoServer>>;
  try {
    moto = await startMotoServer();
  } catch (err) {
    if (err instanceof MotoServerError) {
      process.stderr.write(`demo: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const layer = await startFaithfulEcr({ upstream: moto.endpoint });
  try {
    // The same code runs against AWS and moto: only the endpoint and dummy credentials differ.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: layer.endpoint,
      AWS_ACCESS_KEY_ID: 'demo',
      AWS_SECRET_ACCESS_KEY: 'demo',
      AWS_REGION: 'us-east-1',
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    process.stderr.write(`demo: moto_server (pid ${moto.pid}) on ${moto.endpoint}\n`);
    const seeded = await seedDemoRegistry(createEcrClient());
    process.stderr.write(`demo: seeded ${seeded.repositories} repositories, ${seeded.images} images\n`);
    process.stderr.write('demo: $ ecr-keeper audit --policy policy/demo.yaml --format table\n\n');
    const code = await main(['audit', '--policy', 'policy/demo.yaml', '--format', 'table']);
    process.stderr.write(`\ndemo: audit exited with ${code} (3 would mean out of policy with --check)\n`);
    return code;
  } finally {
    await layer.stop();
    await moto.stop();
    process.stderr.write(`demo: moto_server stopped\n`);
  }
}

process.exitCode = await demo();
