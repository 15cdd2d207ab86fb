import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { startFaithfulEcr, type FaithfulEcr, type FaithfulEcrOptions } from './faithful-ecr';

/** How a test file wants its faithful ECR layer. */
export interface UseFaithfulEcrOptions extends Omit<FaithfulEcrOptions, 'upstream'> {
  /** Turn the faults off after each test, so that a test's storm never reaches the next test. */
  calmAfterEach?: boolean;
}

/**
 * The faithful ECR layer (test/support/faithful-ecr) in front of the run's moto_server for every test of
 * a file: started before the first test, stopped after the last. Call it at the top of the file (or of a
 * `describe`); the layer it returns can be used inside tests and hooks.
 *
 * Kept apart from test/support/faithful-ecr/index.ts, which the demo and the bench load outside vitest.
 *
 * @example
 * const layer = useFaithfulEcr({ seed: 99, calmAfterEach: true });
 * it('…', async () => {
 *   const clients = faithfulClients(layer);
 *   layer.setFaults({ throttle: 0.2 });
 * });
 */
export function useFaithfulEcr(options: UseFaithfulEcrOptions = {}): FaithfulEcr {
  const { calmAfterEach = false, ...layerOptions } = options;
  let layer: FaithfulEcr | undefined;
  const started = (): FaithfulEcr => {
    if (!layer) throw new Error('the faithful ECR layer starts in beforeAll: use it inside a test or a hook');
    return layer;
  };
  beforeAll(async () => {
    layer = await startFaithfulEcr({ upstream: inject('motoEndpoint'), ...layerOptions });
  });
  if (calmAfterEach) afterEach(() => layer?.setFaults({}));
  afterAll(async () => {
    await layer?.stop();
    layer = undefined;
  });
  return {
    get endpoint() {
      return started().endpoint;
    },
    setFaults: (faults) => started().setFaults(faults),
    setCoverage: (accountId, images) => started().setCoverage(accountId, images),
    refuseAssumeRole: (accounts) => started().refuseAssumeRole(accounts),
    stats: () => started().stats(),
    stop: () => started().stop(),
  };
}
