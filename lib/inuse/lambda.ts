import { GetFunctionCommand, paginateListAliases, paginateListFunctions, type LambdaClient } from '@aws-sdk/client-lambda';
import { MAX_LAMBDA_LIST_ALIASES_PAGE, MAX_LAMBDA_LIST_FUNCTIONS_PAGE } from '../limits';
import type { ImageUse } from './types';

/** A function ARN without its version or alias qualifier. */
function unqualified(arn: string): string {
  const parts = arn.split(':');
  return parts.length > 7 ? parts.slice(0, 7).join(':') : arn;
}

/**
 * Every image a container-image Lambda function uses: `$LATEST` and every published version (each keeps the
 * image it was published with), as the function names it (`ImageUri`) and as Lambda resolved it to a digest
 * (`ResolvedImageUri`); an alias adds its ARN to the users of the version it points to. Users are the
 * qualified function ARNs and alias ARNs.
 *
 * Calls: ListFunctions pages (`FunctionVersion: ALL`, 50 a page), one GetFunction per image function version
 * (ListFunctions does not return the image), one ListAliases page per image function.
 *
 * @example
 * const uses = await readLambdaImageUses(new LambdaClient({}));
 */
export async function readLambdaImageUses(lambda: LambdaClient): Promise<ImageUse[]> {
  const uses: ImageUse[] = [];
  /** Function ARN (unqualified) -> version -> images. */
  const images = new Map<string, Map<string, string[]>>();
  for await (const page of paginateListFunctions({ client: lambda, pageSize: MAX_LAMBDA_LIST_FUNCTIONS_PAGE }, { FunctionVersion: 'ALL' })) {
    for (const fn of page.Functions ?? []) {
      if (fn.PackageType !== 'Image' || !fn.FunctionArn) continue;
      const version = fn.Version ?? '$LATEST';
      const qualified = version === '$LATEST' ? unqualified(fn.FunctionArn) : `${unqualified(fn.FunctionArn)}:${version}`;
      const out = await lambda.send(new GetFunctionCommand({ FunctionName: unqualified(fn.FunctionArn), ...(version === '$LATEST' ? {} : { Qualifier: version }) }));
      const named = [out.Code?.ImageUri, out.Code?.ResolvedImageUri].filter((uri): uri is string => typeof uri === 'string' && uri !== '');
      for (const image of named) uses.push({ image, user: qualified });
      const versions = images.get(unqualified(fn.FunctionArn)) ?? new Map<string, string[]>();
      versions.set(version, named);
      images.set(unqualified(fn.FunctionArn), versions);
    }
  }
  for (const [functionArn, versions] of images) {
    for await (const page of paginateListAliases({ client: lambda, pageSize: MAX_LAMBDA_LIST_ALIASES_PAGE }, { FunctionName: functionArn })) {
      for (const alias of page.Aliases ?? []) {
        const pointed = [alias.FunctionVersion, ...Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {})];
        for (const version of pointed) {
          for (const image of versions.get(version ?? '') ?? []) uses.push({ image, user: alias.AliasArn ?? `${functionArn}:${alias.Name}` });
        }
      }
    }
  }
  return uses;
}
