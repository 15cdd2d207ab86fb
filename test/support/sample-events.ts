import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const EVENTS_DIR = join(import.meta.dirname, '..', '..', 'events');

/**
 * A sample event from `events/` (the ones `serverless invoke local -p` uses), parsed, with `patch`
 * applied to a copy: point it at a test's account and repository.
 *
 * @example
 * const event = sampleEvent('cloudtrail-put-image-tag-mutability.json', (e) => (e.detail.requestParameters.repositoryName = 'svc/a'));
 */
// biome-ignore lint/suspicious/noExplicitAny: a sample event is patched and read field by field, as JSON
export function sampleEvent(file: string, patch: (event: any) => void = () => {}): any {
  const event = JSON.parse(readFileSync(join(EVENTS_DIR, file), 'utf8')) as unknown;
  patch(event);
  return event;
}
