import { readFile } from 'node:fs/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3_URI_PATTERN } from './policy-schema';
import type { ImageUse } from './types';

/** The image URIs of a list's text: one a line; blank lines and `#` comments skipped. */
export function listLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
}

/**
 * The images a list names as in use: a file (the CLI) or `s3://bucket/key` (a Lambda function), one image URI
 * per line, for example `kubectl get pods -A -o jsonpath='{..image}' | tr ' ' '\n'`. Users read `list:<where>`.
 * A list that cannot be read throws: the caller records the source as failed and deletes nothing.
 *
 * Calls: one S3 GetObject for an s3:// list, none for a file.
 *
 * @example
 * const uses = await readListImageUses({ s3 }, 's3://ops-bucket/images-in-use.txt');
 */
export async function readListImageUses(deps: { s3?: S3Client }, where: string): Promise<ImageUse[]> {
  const s3 = S3_URI_PATTERN.exec(where);
  let text: string;
  if (s3) {
    if (!deps.s3) throw new Error(`an S3 client is needed to read ${where}`);
    const out = await deps.s3.send(new GetObjectCommand({ Bucket: s3[1]!, Key: s3[2]! }));
    text = (await out.Body?.transformToString('utf8')) ?? '';
  } else {
    text = await readFile(where, 'utf8');
  }
  return listLines(text).map((image) => ({ image, user: `list:${where}` }));
}
