import type { TestProject } from 'vitest/node';
import { startMotoServer, type MotoServer } from '../scripts/moto-server';

let moto: MotoServer | undefined;

/** Starts one moto_server for the whole run; tests isolate themselves by account (see test/support/aws.ts). */
export async function setup(project: TestProject): Promise<void> {
  moto = await startMotoServer();
  project.provide('motoEndpoint', moto.endpoint);
}

export async function teardown(): Promise<void> {
  await moto?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}
