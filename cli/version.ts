import { readFileSync } from 'node:fs';

/** Set by the bundle build (scripts/build-cli.ts) from package.json; absent when the sources run through tsx. */
declare const __ECR_KEEPER_VERSION__: string | undefined;

/**
 * The version of ecr-keeper: built into the bundle, read from package.json when running the sources.
 *
 * @example
 * stdout.write(`ecr-keeper ${cliVersion()}\n`);
 */
export function cliVersion(): string {
  if (typeof __ECR_KEEPER_VERSION__ === 'string') return __ECR_KEEPER_VERSION__;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
