import { randomUUID } from 'node:crypto';
import type { HttpResponse } from './types';

/**
 * An error answer in the AWS JSON protocol as ECR sends it: the error name in the body's `__type`
 * (which the SDK v3 reads first) and in `x-amzn-errortype` (as moto also sends it).
 *
 * @example
 * jsonError(400, 'ThrottlingException', 'Rate exceeded');
 */
export function jsonError(status: number, type: string, message: string): HttpResponse {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-errortype': type,
      'x-amzn-requestid': randomUUID(),
    },
    body: Buffer.from(JSON.stringify({ __type: type, message })),
  };
}

/** ECR's answer to a parameter it refuses, e.g. `maxResults` out of range or a forged `nextToken`. */
export function invalidParameter(parameter: string, constraint: string): HttpResponse {
  return jsonError(400, 'InvalidParameterException', `Invalid parameter at '${parameter}' failed to satisfy constraint: '${constraint}'`);
}

/** A JSON answer with status 200. */
export function jsonAnswer(body: unknown, headers: HttpResponse['headers'] = {}): HttpResponse {
  return {
    status: 200,
    headers: { ...headers, 'content-type': headers['content-type'] ?? 'application/x-amz-json-1.1' },
    body: Buffer.from(JSON.stringify(body)),
  };
}
