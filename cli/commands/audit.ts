import { auditJob } from '../../lib/audit/job';
import { jobCommand } from '../job-command';

const help = `Read-only report of every repository the policy covers and of the registry: tag mutability and
scan-on-push against the policy, lifecycle policy, encryption, repository-policy access (each finding with
the Security Hub controls it matches), image counts,
untagged and reclaimable bytes, last scan; replication and scanning configuration.

  --check              exit 3 when anything is out of policy (for CI gates)
  --format asff        the findings in AWS Security Finding Format, one per repository and Security Hub
                       control (ECR.1, ECR.2, ECR.3, ECR.5) or access check, for securityhub batch-import-findings
  --cursor CURSOR      resume an audit that stopped at its deadline`;

/** `ecr-keeper audit`: prints the audit; exit 3 with --check when anything is out of policy. */
export const auditCommand = jobCommand(auditJob, help, 'audited');
