/**
 * The CLI's exit codes, the one table the help texts, the README and the tests take them from. Kept in a
 * module of its own, with no import, so that `--help` and `--version` start without loading the AWS SDK.
 */
export const EXIT = {
  OK: 0,
  /** An AWS or internal failure, or repositories that could not be processed. */
  FAILURE: 1,
  /** Bad usage, bad policy, unknown repository or image, missing region or credentials: the user's to fix. */
  USAGE: 2,
  /** `audit --check` found something out of policy. */
  OUT_OF_POLICY: 3,
  /** `scan` gave a verdict that fails the policy. */
  VERDICT_FAILED: 4,
} as const;

/** One exit code. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit codes as the general help lists them. */
export const EXIT_HELP = `Exit codes:
  0  done, nothing wrong
  1  an AWS or internal failure, or repositories that could not be processed (they are listed)
  2  your input: bad usage, bad policy (the field is named), unknown repository or image, no region or credentials
  3  audit --check: something is out of policy
  4  scan: the verdict fails the policy`;
