// A local serverless plugin: CloudWatch alarms for every function of the service, on AlarmTopic
// (deploy/failures.yml), so that a function added later is watched without anyone remembering to:
//
// - <Function>ErrorsAlarm:    any invocation error (an exception, a timeout, an out-of-memory) in 5 minutes.
// - <Function>ThrottlesAlarm: throttled invocations in three 5-minute periods in a row (Lambda retries a
//                             throttled asynchronous or SQS invocation by itself; steady throttling means
//                             the account's concurrency is exhausted).
// - <Function>DurationAlarm:  functions with a timeout of 5 minutes or more: the longest invocation was within
//                             5 % of the timeout in three 15-minute periods in a row. A scheduled run that
//                             reaches its deadline hands its cursor on and ends near its timeout by design;
//                             three in a row means the schedule's work needs several invocations
//                             (docs/operations.md: turn on runtime.fanOut).
//
// Every alarm also notifies when it returns to OK; missing data (no invocation) is not breaching.
'use strict';

const PERIOD_SECONDS = 300;
const DURATION_PERIOD_SECONDS = 900;
const LONG_TIMEOUT_SECONDS = 300;
const DURATION_FRACTION = 0.95;
const DEFAULT_TIMEOUT_SECONDS = 6;

function alarm({ name, description, metric, functionRef, statistic, period, periods, threshold }) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: name,
      AlarmDescription: description,
      Namespace: 'AWS/Lambda',
      MetricName: metric,
      Dimensions: [{ Name: 'FunctionName', Value: functionRef }],
      Statistic: statistic,
      Period: period,
      EvaluationPeriods: periods,
      DatapointsToAlarm: periods,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
      OKActions: [{ Ref: 'AlarmTopic' }],
    },
  };
}

class FunctionAlarms {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'package:compileEvents': () => this.addAlarms() };
  }

  addAlarms() {
    const service = this.serverless.service;
    const naming = this.serverless.getProvider('aws').naming;
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    const prefix = `${service.service}-${this.serverless.getProvider('aws').getStage()}`;
    for (const name of service.getAllFunctions()) {
      const fn = service.getFunction(name);
      const id = naming.getLambdaLogicalId(name);
      const functionRef = { Ref: id };
      const timeout = Number(fn.timeout ?? service.provider.timeout ?? DEFAULT_TIMEOUT_SECONDS);
      resources[`${id}ErrorsAlarm`] = alarm({
        name: `${prefix}-${name}-errors`,
        description: `ecr-keeper ${name} failed (an error, a timeout or out of memory): its logs say why (docs/operations.md)`,
        metric: 'Errors',
        functionRef,
        statistic: 'Sum',
        period: PERIOD_SECONDS,
        periods: 1,
        threshold: 0,
      });
      resources[`${id}ThrottlesAlarm`] = alarm({
        name: `${prefix}-${name}-throttles`,
        description: `ecr-keeper ${name} has been throttled for 15 minutes: the account's Lambda concurrency is exhausted (docs/operations.md)`,
        metric: 'Throttles',
        functionRef,
        statistic: 'Sum',
        period: PERIOD_SECONDS,
        periods: 3,
        threshold: 0,
      });
      if (timeout >= LONG_TIMEOUT_SECONDS) {
        resources[`${id}DurationAlarm`] = alarm({
          name: `${prefix}-${name}-duration`,
          description: `ecr-keeper ${name} keeps running to within 5 % of its ${timeout} s timeout (docs/operations.md)`,
          metric: 'Duration',
          functionRef,
          statistic: 'Maximum',
          period: DURATION_PERIOD_SECONDS,
          periods: 3,
          threshold: Math.round(timeout * 1000 * DURATION_FRACTION),
        });
      }
    }
  }
}

module.exports = FunctionAlarms;
