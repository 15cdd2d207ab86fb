import type { FanOutDeps } from '../../lib/fanout/dispatch';
import { requireWorkQueue } from '../../lib/fanout/work-queue';
import type { HandlerRuntime } from './runtime';

/** What a handler's fanned-out run needs: its clients, its logger and its work queue (a PolicyError without one). */
export function fanOutDeps({ clients, logger, workQueue }: HandlerRuntime): FanOutDeps {
  return { ...clients, queue: requireWorkQueue(workQueue), log: logger };
}
