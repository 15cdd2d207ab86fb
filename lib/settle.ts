/**
 * `Promise.all` for work that calls AWS: it rejects with the first failure only once every promise has
 * settled. `Promise.all` rejects at the first failure and leaves the others running: their calls would still
 * be on their way after the run reported (in Lambda, frozen and resumed in a later invocation), and their own
 * failures would go unheard.
 *
 * @example
 * const [lifecycle, policy] = await allSettledOrThrow([readLifecyclePolicy(ecr, repo), readRepositoryPolicy(ecr, repo)]);
 */
export async function allSettledOrThrow<T extends readonly unknown[] | []>(values: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = (await Promise.allSettled(values as readonly unknown[])) as PromiseSettledResult<unknown>[];
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
