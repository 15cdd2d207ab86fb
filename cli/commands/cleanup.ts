import { cleanupJob } from '../../lib/cleanup/job';
import { jobCommand } from '../job-command';

const help = `Plans the deletion of untagged images that nothing needs any more and, with retention rules, the
expiry of old tagged ones, and prints every image decision with its reason. Without --apply nothing is
changed. An image in use (ECS services and tasks, Lambda functions, Batch, Inspector, a list: the policy's
inUse section, read once per run) is never deleted or archived; if a source cannot be read nothing is.
An untagged image stays when it is archived, younger than cleanup.untaggedOlderThanDays, pulled within
cleanup.keepPulledWithinDays, listed by an image index that stays (multi-arch), an artifact (signature,
SBOM) of an image that stays, or could not be identified. A tagged image goes only when a retention rule
expires it (see docs/retention.md). At most cleanup.maxDeletesPerRun images are deleted or archived per
run; repositories tagged with the skip tag are left alone.

  --apply              re-check each image just before, then delete (parents before children) and archive
  --cursor CURSOR      resume a run that stopped at its deadline

Exit codes: 0 ok, 1 a repository or a deletion failed, 2 usage or policy error.`;

/** `ecr-keeper cleanup`: prints the plan; with --apply deletes it. Exit 1 when a deletion or a repository failed. */
export const cleanupCommand = jobCommand(cleanupJob, help, 'cleaned up');
