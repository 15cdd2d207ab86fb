/**
 * Captures everything the process writes to stdout and stderr while `run` runs, without letting it through:
 * the Powertools Logger writes its JSON lines there (through a Console of its own, bound to these streams).
 *
 * @example
 * const { value, output } = await captureOutput(() => handler(event, lambdaContext()));
 * expect(output).not.toContain(secret);
 */
export async function captureOutput<T>(run: () => Promise<T>): Promise<{ value?: T; error?: unknown; output: string }> {
  let output = '';
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const callback = rest.find((r): r is () => void => typeof r === 'function');
      callback?.();
      return true;
    }) as typeof stream.write;
  }
  try {
    return { value: await run(), output };
  } catch (error) {
    return { error, output };
  } finally {
    streams.forEach((s, i) => {
      s.write = originals[i]!;
    });
  }
}
