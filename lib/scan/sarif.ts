import { createHash } from 'node:crypto';
import packageJson from '../../package.json' with { type: 'json' };
import type { Policy, Severity } from '../policy';
import { imageUri } from './repository-arn';
import { atOrAbove } from './severity';
import type { ScanFinding, ScanImage, ScanVerdict } from './types';
import { compareFindings, ignoredBy } from './verdict';

/** The SARIF version ecr-keeper writes, and the schema a reader validates it with. */
export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The tool name in every SARIF log. */
export const SARIF_TOOL_NAME = 'ecr-keeper';

/** One judged image: what the SARIF log reports a result per finding of. */
export interface SarifImage {
  image: ScanImage;
  verdict: ScanVerdict;
  /** Every finding of the judged scan, ignored ones included (they become suppressed results). */
  findings: ScanFinding[];
}

/** A SARIF result's level. */
export type SarifLevel = 'error' | 'warning' | 'note';

/** The parts of SARIF 2.1.0 ecr-keeper writes. */
export interface SarifLog {
  $schema: string;
  version: typeof SARIF_VERSION;
  runs: {
    tool: { driver: { name: string; version: string; rules: SarifRule[] } };
    results: SarifResult[];
  }[];
}

interface SarifRule {
  id: string;
  shortDescription: { text: string };
  helpUri?: string;
  properties: { 'security-severity': string; tags: string[] };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: 'external'; justification: string }[];
  properties: Record<string, unknown>;
}

/** GitHub code scanning reads a rule's `security-severity` (a CVSS-like score) to rank alerts; used when Inspector gives none. */
const SECURITY_SEVERITY: Record<Severity, number> = { CRITICAL: 9.5, HIGH: 8, MEDIUM: 5.5, LOW: 2, INFORMATIONAL: 0, UNDEFINED: 0 };

/**
 * A finding's SARIF level: `error` at or above the policy's `failOn` (what fails the image), `warning` for the
 * other CRITICAL, HIGH and MEDIUM findings, `note` below.
 *
 * @example
 * sarifLevel('HIGH', 'CRITICAL'); // 'warning'
 */
export function sarifLevel(severity: Severity, failOn: Severity): SarifLevel {
  if (atOrAbove(severity, failOn)) return 'error';
  return atOrAbove(severity, 'MEDIUM') ? 'warning' : 'note';
}

function fingerprint(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

function describe(f: ScanFinding, uri: string): string {
  const pkg = f.packageName ? ` in ${f.packageName}${f.packageVersion ? ` ${f.packageVersion}` : ''}` : '';
  const fix = f.fixedInVersion ? ` (fixed in ${f.fixedInVersion})` : '';
  return `${f.id} (${f.reportedSeverity ?? f.severity})${pkg}${fix} in image ${uri}`;
}

function justification(f: ScanFinding, allowListed: boolean): string {
  return allowListed ? `${f.id} is on the policy's allow-list (scan.ignore)` : `Amazon Inspector reports this finding ${f.status}`;
}

/**
 * The judged images as one SARIF 2.1.0 log, as Trivy, Grype and GitHub code scanning read it: one run of the
 * tool `ecr-keeper` (with its version), a rule per vulnerability id, and one result per finding of every image
 * with `ruleId` the vulnerability id, `level` from its severity ({@link sarifLevel}) and the image URI as its
 * location. Findings the verdict does not count (allow-listed, suppressed or closed by Inspector) are results
 * with a `suppressions` entry saying why. Pure: the same images give the same log.
 *
 * @example
 * const log = renderSarif([{ image, verdict: outcome.verdict, findings: run.findings ?? [] }], policy.scan);
 * process.stdout.write(`${JSON.stringify(log, null, 2)}\n`);
 */
export function renderSarif(images: readonly SarifImage[], policy: Pick<Policy['scan'], 'failOn' | 'ignore'>): SarifLog {
  const isIgnored = ignoredBy(policy);
  const allow = new Set(policy.ignore.map((id) => id.toUpperCase()));
  const rules = new Map<string, SarifRule>();
  const ruleIndex = new Map<string, number>();
  const results: SarifResult[] = [];

  for (const { image, verdict, findings } of images) {
    const uri = imageUri(image.repositoryArn, image.imageDigest, image.repositoryName);
    for (const f of [...findings].sort(compareFindings)) {
      const score = f.score ?? SECURITY_SEVERITY[f.severity];
      const rule = rules.get(f.id);
      if (!rule) {
        ruleIndex.set(f.id, rules.size);
        rules.set(f.id, {
          id: f.id,
          shortDescription: { text: f.title ?? f.id },
          ...(f.uri ? { helpUri: f.uri } : {}),
          properties: { 'security-severity': score.toFixed(1), tags: ['security', 'vulnerability', 'container'] },
        });
      } else if (score > Number(rule.properties['security-severity'])) {
        rule.properties['security-severity'] = score.toFixed(1);
      }
      const ignored = isIgnored(f);
      results.push({
        ruleId: f.id,
        ruleIndex: ruleIndex.get(f.id)!,
        level: sarifLevel(f.severity, verdict.failOn),
        message: { text: describe(f, uri) },
        locations: [{ physicalLocation: { artifactLocation: { uri } } }],
        partialFingerprints: { 'ecrKeeperFinding/v1': fingerprint([image.imageDigest, f.id, f.packageName ?? '', f.packageVersion ?? '']) },
        ...(ignored ? { suppressions: [{ kind: 'external' as const, justification: justification(f, allow.has(f.id.toUpperCase())) }] } : {}),
        properties: {
          severity: f.severity,
          repositoryName: image.repositoryName,
          imageDigest: image.imageDigest,
          imageTags: image.imageTags,
          verdict: verdict.result,
          ...(f.packageName ? { packageName: f.packageName } : {}),
          ...(f.packageVersion ? { packageVersion: f.packageVersion } : {}),
          ...(f.fixedInVersion ? { fixedInVersion: f.fixedInVersion } : {}),
        },
      });
    }
  }

  return {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [
      {
        tool: { driver: { name: SARIF_TOOL_NAME, version: packageJson.version, rules: [...rules.values()] } },
        results,
      },
    ],
  };
}
