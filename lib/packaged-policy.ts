import { parsePolicyJson, policyFromLambdaEnv, type Policy } from './policy';

/**
 * The policy text `serverless package` builds into every function's bundle (an esbuild `define`, see
 * scripts/serverless-policy.cjs): the stage's policy file as JSON, validated before anything was built.
 * Undefined outside a bundle (tests, the CLI).
 */
declare const __ECR_KEEPER_POLICY__: string | undefined;

/** Where the policy shipped inside a bundle is said to come from, in error messages. */
export const PACKAGED_POLICY_ORIGIN = 'policy packaged with the function';

/** The policy text built into this bundle, or undefined when the code does not run from a bundle. */
export function packagedPolicyText(): string | undefined {
  return typeof __ECR_KEEPER_POLICY__ === 'string' ? __ECR_KEEPER_POLICY__ : undefined;
}

/**
 * A deployed function's policy: the one packaged with it; outside a bundle the JSON in `ECR_KEEPER_POLICY`,
 * else the defaults. The policy no longer travels in an environment variable (Lambda's 4 KB limit on all
 * of them): a long CVE allow-list fits.
 *
 * @example
 * const policy = lambdaPolicy(process.env);
 */
export function lambdaPolicy(env: NodeJS.ProcessEnv = process.env, packaged: string | undefined = packagedPolicyText()): Policy {
  return packaged !== undefined ? parsePolicyJson(packaged, PACKAGED_POLICY_ORIGIN) : policyFromLambdaEnv(env);
}
