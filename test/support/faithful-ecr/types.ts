import type { IncomingHttpHeaders } from 'node:http';
import type { CoveredImage } from './inspector-coverage';

/**
 * How often the layer fails a request before forwarding it, each rate between 0 and 1. The rates are
 * exclusive slices of one draw, so `{ throttle: 0.2, serverError: 0.05 }` fails 25 % of requests.
 */
export interface FaultRates {
  /** HTTP 400 `ThrottlingException` ("Rate exceeded"), as ECR answers when its API rate is exceeded. */
  throttle?: number;
  /** HTTP 500 (the service's internal error) or 503 `ServiceUnavailable`, half each. */
  serverError?: number;
  /** The connection is destroyed without an answer (the SDK sees `ECONNRESET`). */
  reset?: number;
  /** Every request waits a random time in this range (milliseconds) before anything else happens. */
  latencyMs?: [number, number];
}

/** Options of `startFaithfulEcr`. */
export interface FaithfulEcrOptions {
  /** The moto_server endpoint every request is forwarded to, e.g. `http://127.0.0.1:5000`. */
  upstream: string;
  /** Fault rates at start (none by default); change them later with `setFaults`. */
  faults?: FaultRates;
  /** Seed of the fault RNG: the same seed and the same sequence of requests give the same faults. */
  seed?: number;
  /** Add `subjectManifestDigest` / `artifactMediaType` to DescribeImages as ECR does (default true). */
  enrich?: boolean;
  /** Accounts whose roles STS refuses to let anyone assume (HTTP 403 `AccessDenied`), as a member without the role. */
  refuseAssumeRole?: string[];
  /** Opt-in regions no account has enabled: ECR and EventBridge calls signed for them are refused (`UnrecognizedClientException`). */
  disabledRegions?: string[];
  /**
   * Add each image's last scan (`imageScanStatus`, `imageScanFindingsSummary`) to DescribeImages as ECR does
   * (default false: it costs the layer one moto call per image, which large registries in benches do not need).
   */
  scanSummaries?: boolean;
}

/** Faults injected since the layer started. */
export interface InjectedFaults {
  throttle: number;
  serverError: number;
  reset: number;
}

/** What the layer has seen since it started. */
export interface FaithfulEcrStats {
  /** Requests received from clients (the layer's own enrichment calls are not counted). */
  requests: number;
  /** Requests per action: the `X-Amz-Target` operation (`DescribeImages`, `PutEvents`), else `METHOD /path`. */
  byAction: Record<string, number>;
  injected: InjectedFaults;
  /**
   * Requests the layer failed to answer itself, injected faults aside: moto unreachable (answered
   * HTTP 502) or a failure of the layer (HTTP 500, or the connection closed when the answer had begun).
   */
  layerErrors: number;
}

/** A running faithful ECR layer. */
export interface FaithfulEcr {
  /** `http://127.0.0.1:PORT`: pass it as a client's `endpoint` (or set it as `AWS_ENDPOINT_URL`). */
  endpoint: string;
  /** Replaces the fault rates for the requests that follow. */
  setFaults(faults: FaultRates): void;
  /** Replaces the accounts whose roles cannot be assumed. */
  refuseAssumeRole(accounts: string[]): void;
  /** Replaces what Inspector2 ListCoverage answers for a moto account (moto has no Inspector coverage). */
  setCoverage(accountId: string, images: CoveredImage[]): void;
  /** A snapshot of the counters. */
  stats(): FaithfulEcrStats;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

/** An HTTP request or response held in memory, as the layer forwards it. */
export interface HttpRequest {
  method: string;
  /** Path and query string. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
