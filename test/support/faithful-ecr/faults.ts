import { jsonError } from './json-error';
import type { FaultRates, HttpResponse, InjectedFaults } from './types';

/** A fault the layer answers with instead of forwarding. */
export type Fault = { kind: 'throttle' } | { kind: 'serverError'; status: 500 | 503 } | { kind: 'reset' };

/** What happens to one request: a delay, then perhaps a fault. */
export interface FaultDecision {
  delayMs: number;
  fault?: Fault;
}

/** mulberry32: a small, fast PRNG whose sequence is fixed by its 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rate(value: number | undefined, name: string): number {
  const r = value ?? 0;
  if (!(r >= 0 && r <= 1)) throw new RangeError(`fault rate ${name} must be between 0 and 1, got ${String(value)}`);
  return r;
}

function checked(faults: FaultRates): Required<Omit<FaultRates, 'latencyMs'>> & { latencyMs: [number, number] } {
  const [min, max] = faults.latencyMs ?? [0, 0];
  if (!(min >= 0 && max >= min)) throw new RangeError(`latencyMs must be [min, max] with 0 <= min <= max, got [${min}, ${max}]`);
  return {
    throttle: rate(faults.throttle, 'throttle'),
    serverError: rate(faults.serverError, 'serverError'),
    reset: rate(faults.reset, 'reset'),
    latencyMs: [min, max],
  };
}

/** Decides, request by request, which fault to inject; rates can change while it runs. */
export interface FaultInjector {
  set(faults: FaultRates): void;
  decide(): FaultDecision;
}

/**
 * Draws faults from `random` at the given rates. Each request takes the same number of draws whatever
 * is decided, so a seed replays the same faults for the same sequence of requests.
 *
 * @example
 * const faults = createFaultInjector({ throttle: 0.2, reset: 0.02 }, seededRandom(42));
 * const { delayMs, fault } = faults.decide();
 */
export function createFaultInjector(initial: FaultRates, random: () => number): FaultInjector {
  let rates = checked(initial);
  return {
    set(faults) {
      rates = checked(faults);
    },
    decide() {
      const [min, max] = rates.latencyMs;
      const delayMs = min + Math.round(random() * (max - min));
      const draw = random();
      const coin = random();
      let edge = rates.throttle;
      if (draw < edge) return { delayMs, fault: { kind: 'throttle' } };
      edge += rates.serverError;
      if (draw < edge) return { delayMs, fault: { kind: 'serverError', status: coin < 0.5 ? 500 : 503 } };
      edge += rates.reset;
      if (draw < edge) return { delayMs, fault: { kind: 'reset' } };
      return { delayMs };
    },
  };
}

/** The internal-error name each service models for HTTP 500, by `X-Amz-Target` prefix. */
const INTERNAL_ERROR_BY_SERVICE: Record<string, string> = {
  AmazonEC2ContainerRegistry_V20150921: 'ServerException',
  AWSEvents: 'InternalException',
};

/**
 * The answer to an injected throttle or server error, shaped as the service sends it.
 * `target` is the request's `X-Amz-Target` (undefined for other protocols).
 */
export function faultAnswer(fault: Exclude<Fault, { kind: 'reset' }>, target: string | undefined): HttpResponse {
  if (fault.kind === 'throttle') return jsonError(400, 'ThrottlingException', 'Rate exceeded');
  if (fault.status === 503) return jsonError(503, 'ServiceUnavailable', 'Service is unavailable, please retry');
  const service = target?.split('.')[0] ?? '';
  return jsonError(500, INTERNAL_ERROR_BY_SERVICE[service] ?? 'InternalFailure', 'Internal server error, please retry');
}

/** Zeroed counters of injected faults. */
export function noFaults(): InjectedFaults {
  return { throttle: 0, serverError: 0, reset: 0 };
}
