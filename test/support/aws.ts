import { randomInt } from 'node:crypto';
import { createClients, type AwsClients } from '../../lib/aws/clients';
import type { MiddlewareClient } from './calls';

/** A fresh 12-digit account id: each test gets a registry of its own inside the shared moto_server. */
export function newAccountId(): string {
  return String(randomInt(100_000_000_000, 999_999_999_999));
}

/**
 * Pins a client to one moto account with the `x-moto-account-id` header, so tests running in parallel
 * against one moto_server never see each other's repositories or registry settings.
 */
export function pinMotoAccount<C extends MiddlewareClient>(client: C, accountId: string): C {
  const middleware =
    (next: (args: { request: unknown }) => Promise<unknown>) => async (args: { request: unknown }) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers['x-moto-account-id'] = accountId;
      return next(args);
    };
  client.middlewareStack.add(middleware, { step: 'build', name: 'pinMotoAccount' });
  return client;
}

/** ECR and EventBridge clients for moto, pinned to `accountId` (a new one by default). */
export function motoClients(accountId = newAccountId(), region = 'us-east-1'): AwsClients & { accountId: string } {
  const clients = createClients({ region, maxAttempts: 3 });
  pinMotoAccount(clients.ecr, accountId);
  pinMotoAccount(clients.events, accountId);
  return { ...clients, accountId };
}
