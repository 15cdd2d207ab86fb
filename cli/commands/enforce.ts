import { enforceJob } from '../../lib/enforce/job';
import { jobCommand } from '../job-command';

const help = `Brings repository settings and the registry's replication in line with the policy: tag mutability
(every mode ECR has, exclusion filters compared as sets), scan-on-push (left alone under enhanced
scanning), and replication rules (merge or replace). Repositories tagged with the skip tag, or left out
by include/exclude, are not touched. Without --apply it prints the plan and changes nothing. With
--repository only those repositories' settings are enforced and replication is left out.

  --apply              make the changes (default: print the plan only, no write call)
  --cursor CURSOR      resume a run that stopped at its deadline (replication is not checked again)

Exit codes: 0 done (or planned), 1 a change, a repository or an event failed, 2 bad usage or policy.`;

/** `ecr-keeper enforce`: prints the plan, or applies it with --apply; exit 1 when any change or event failed. */
export const enforceCommand = jobCommand(enforceJob, help, 'enforced');
