import { existsSync } from 'node:fs';
import * as z from 'zod';

/** `s3://bucket/key`: where a Lambda function reads the in-use list from. */
export const S3_URI_PATTERN = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;

/**
 * The `inUse` section: which sources say an image is in use. An image in use is never deleted or archived.
 * `list` is a file (CLI) or `s3://bucket/key` (Lambda) with one image URI per line; a file must exist.
 */
export const InUseSchema = z.strictObject({
  /** Every ECS cluster: the task definitions of every deployment of every service, and running or pending tasks. */
  ecs: z.boolean().default(true),
  /** Container-image Lambda functions, their published versions and aliases. */
  lambda: z.boolean().default(true),
  /** ACTIVE AWS Batch job definitions. */
  batch: z.boolean().default(false),
  /** Amazon Inspector coverage: images Inspector saw in use (`inUseCount`, `lastInUseAt`), EKS included. */
  inspector: z.boolean().default(false),
  /** Inspector's `lastInUseAt` counts when within this many days. */
  inspectorWithinDays: z.int().min(1).max(3650).default(30),
  list: z
    .string()
    .min(1, 'must not be empty (use null for no list)')
    .refine((value) => S3_URI_PATTERN.test(value) || !value.startsWith('s3:'), 'must be s3://bucket/key')
    .refine((value) => value.startsWith('s3:') || existsSync(value), 'file does not exist')
    .nullable()
    .default(null),
});

/** The validated `inUse` section. */
export type InUsePolicy = z.infer<typeof InUseSchema>;
