import { cleanupJob } from '../../lib/cleanup/job';
import { jobCommand } from '../job-command';

const help = `Plans the deletion of untagged images that nothing needs any more, and prints every untagged image
with the reason it goes or stays. Without --apply nothing is changed. An image stays when it is tagged,
archived, younger than cleanup.untaggedOlderThanDays, pulled within cleanup.keepPulledWithinDays, listed
by an image index that stays (multi-arch), or an artifact (signature, SBOM) of an image that stays.
At most cleanup.maxDeletesPerRun images are deleted per run; repositories tagged with the skip tag
are left alone.

  --apply              delete: re-check each image just before, then delete (parents before children)
  --cursor CURSOR      resume a run that stopped at its deadline

Exit codes: 0 ok, 1 a repository or a deletion failed, 2 usage or policy error.`;

/** `ecr-keeper cleanup`: prints the plan; with --apply deletes it. Exit 1 when a deletion or a repository failed. */
export const cleanupCommand = jobCommand(cleanupJob, help, 'cleaned up');
