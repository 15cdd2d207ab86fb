import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { metricValues } from './metric-values';
import { JOB_DIMENSION, METRICS_NAMESPACE, METRICS_SERVICE } from './names';
import type { RunOutcome } from './run-outcome';

/**
 * The Powertools emitter of ecr-keeper's metrics: namespace `ecr-keeper`, dimension `service`. Build it once
 * per Lambda instance (module scope) and pass it on.
 *
 * @example
 * const metrics = createMetrics();
 */
export function createMetrics(): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
}

/**
 * Writes one run's metrics as one EMF record on stdout (CloudWatch turns the Lambda's log line into
 * metrics), under the dimensions `service` and `job`.
 *
 * @example
 * emitRunMetrics(metrics, { job: 'enforce', repositoriesProcessed: 120, changesApplied: 3, changesFailed: 0, incomplete: false });
 */
export function emitRunMetrics(metrics: Metrics, outcome: RunOutcome): void {
  const values = metricValues(outcome);
  if (values.length === 0) return;
  metrics.addDimension(JOB_DIMENSION, outcome.job);
  for (const { name, unit, value } of values) metrics.addMetric(name, MetricUnit[unit], value);
  metrics.publishStoredMetrics();
}
