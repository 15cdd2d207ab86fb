import { vi } from 'vitest';

/** One CloudWatch embedded-metric-format record, as a Lambda writes it on stdout. */
export interface EmfRecord {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

/**
 * Runs `act` while capturing what is written on stdout, and returns the EMF records among the lines (what
 * CloudWatch would turn into metrics), leaving every other line to be written as usual.
 */
export async function captureEmf(act: () => unknown): Promise<EmfRecord[]> {
  const records: EmfRecord[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    let other = '';
    for (const line of text.split('\n')) {
      if (line.startsWith('{"_aws"') || line.includes('"CloudWatchMetrics"')) records.push(JSON.parse(line) as EmfRecord);
      else if (line !== '') other += `${line}\n`;
    }
    return other ? write(other, ...(rest as [])) : true;
  }) as typeof process.stdout.write);
  try {
    await act();
  } finally {
    spy.mockRestore();
  }
  return records;
}

/** The metric values of an EMF record by name, with their units. */
export function emfValues(record: EmfRecord): Record<string, { value: unknown; unit: string }> {
  const metrics = record._aws.CloudWatchMetrics.flatMap((d) => d.Metrics);
  return Object.fromEntries(metrics.map((m) => [m.Name, { value: record[m.Name], unit: m.Unit }]));
}
