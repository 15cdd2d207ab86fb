import { cleanupJob } from '../cleanup/job';
import { enforceJob } from '../enforce/job';
import type { FanOutJob } from '../fanout/work-item';
import type { AnyJob } from './types';

/** The jobs whose scheduled runs fan out, by their work items' kind: what the worker runs. */
export const FAN_OUT_JOBS_BY_KIND: Record<FanOutJob, AnyJob> = {
  enforce: enforceJob,
  cleanup: cleanupJob,
};
