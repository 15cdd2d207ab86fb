/**
 * The AWS Security Finding Format's required top-level attributes, with the types and limits the Security
 * Hub API reference gives them (AwsSecurityFinding), as a JSON Schema for the ASFF output tests. Optional
 * attributes ecr-keeper writes are checked for their type too; anything else is refused, so that a typo in
 * a field name cannot pass.
 */
const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
/** The namespaces a `Types` entry may start with (`namespace/category/classifier`). */
const TYPE_NAMESPACES = ['Software and Configuration Checks', 'TTPs', 'Effects', 'Unusual Behaviors', 'Sensitive Data Identifications'];
const ISO_DATE = { type: 'string', format: 'date-time' };

export const ASFF_REQUIRED = [
  'AwsAccountId',
  'CreatedAt',
  'Description',
  'GeneratorId',
  'Id',
  'ProductArn',
  'Resources',
  'SchemaVersion',
  'Severity',
  'Title',
  'Types',
  'UpdatedAt',
] as const;

export const ASFF_FINDING_SCHEMA = {
  type: 'object',
  required: [...ASFF_REQUIRED],
  additionalProperties: false,
  properties: {
    SchemaVersion: { const: '2018-10-08' },
    Id: { type: 'string', minLength: 1, maxLength: 512 },
    ProductArn: { type: 'string', pattern: '^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:\\d{12}:product/\\d{12}/default$' },
    ProductName: { type: 'string', minLength: 1, maxLength: 128 },
    CompanyName: { type: 'string', minLength: 1, maxLength: 128 },
    GeneratorId: { type: 'string', minLength: 1, maxLength: 512 },
    AwsAccountId: { type: 'string', pattern: '^\\d{12}$' },
    Types: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: { type: 'string', maxLength: 128, pattern: `^(${TYPE_NAMESPACES.join('|')})(/[^/]+){0,2}$` },
    },
    CreatedAt: ISO_DATE,
    UpdatedAt: ISO_DATE,
    Severity: {
      type: 'object',
      required: ['Label'],
      additionalProperties: false,
      properties: { Label: { enum: SEVERITY_LABELS }, Original: { type: 'string' } },
    },
    Title: { type: 'string', minLength: 1, maxLength: 256 },
    Description: { type: 'string', minLength: 1, maxLength: 1024 },
    Remediation: {
      type: 'object',
      additionalProperties: false,
      properties: {
        Recommendation: {
          type: 'object',
          additionalProperties: false,
          properties: { Text: { type: 'string', maxLength: 512 }, Url: { type: 'string' } },
        },
      },
    },
    ProductFields: { type: 'object', maxProperties: 50, additionalProperties: { type: 'string', maxLength: 1024 } },
    Compliance: {
      type: 'object',
      additionalProperties: false,
      properties: { Status: { enum: ['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE'] } },
    },
    RecordState: { enum: ['ACTIVE', 'ARCHIVED'] },
    Resources: {
      type: 'array',
      minItems: 1,
      maxItems: 32,
      items: {
        type: 'object',
        required: ['Type', 'Id'],
        additionalProperties: false,
        properties: {
          Type: { type: 'string', minLength: 1 },
          Id: { type: 'string', minLength: 1, maxLength: 512 },
          Partition: { enum: ['aws', 'aws-cn', 'aws-us-gov'] },
          Region: { type: 'string', minLength: 1 },
          Details: { type: 'object' },
        },
      },
    },
  },
} as const;
