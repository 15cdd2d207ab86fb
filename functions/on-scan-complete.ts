import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { deadlineIn } from '../lib/deadline';
import { runScan } from '../lib/scan/run';
import { ScanCompleteEventSchema, scanRequestFromScanEvent, type ScanCompleteEvent } from '../lib/scan/scan-event';
import { logErrors, validateEvent } from './shared/middleware';
import { lambdaRuntime, type HandlerRuntime } from './shared/runtime';

/** ECR's `ECR Image Scan` or Inspector's `Inspector2 Scan` event: judge the findings (no polling), publish the verdict. */
export function onScanCompleteHandler({ clients, logger, policy }: HandlerRuntime) {
  return middy<ScanCompleteEvent, unknown, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(logErrors(logger))
    .use(validateEvent(ScanCompleteEventSchema, 'scan-complete event'))
    .handler(async (event, context) =>
      runScan({ ecr: clients.ecr, events: clients.events, log: logger }, policy(), scanRequestFromScanEvent(event, deadlineIn(context.getRemainingTimeInMillis())), {
        publish: true,
      }),
    );
}

export const handler = onScanCompleteHandler(lambdaRuntime());
