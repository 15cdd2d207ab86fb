import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';

/** CloudFormation's short-form intrinsic functions (`!Sub`, `!If`...), read as their long forms (`Fn::Sub`...). */
const SHORT_FORMS = ['Sub', 'If', 'Equals', 'Not', 'And', 'Or', 'Select', 'Join', 'Split', 'FindInMap', 'Base64', 'Cidr', 'ImportValue', 'GetAZs'];

const CFN_TAGS: Tags = [
  ...SHORT_FORMS.flatMap((name) =>
    (['scalar', 'seq'] as const).map((collection) => ({
      tag: `!${name}`,
      ...(collection === 'seq' ? { collection } : {}),
      resolve: (value: unknown) => ({ [`Fn::${name}`]: (value as { toJSON?: () => unknown }).toJSON?.() ?? value }),
    })),
  ),
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
] as Tags;

/**
 * Reads a CloudFormation YAML template, short-form tags and all, as the JSON CloudFormation sees.
 *
 * @example
 * const template = readCfnYaml('deploy/member.yml');
 * template.Resources.MemberRole.Properties.AssumeRolePolicyDocument;
 */
// biome-ignore lint/suspicious/noExplicitAny: a CloudFormation template as parsed YAML, read by the tests
export function readCfnYaml(path: string): any {
  return parse(readFileSync(path, 'utf8'), { customTags: CFN_TAGS });
}
