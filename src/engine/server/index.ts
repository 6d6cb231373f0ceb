/**
 * The server: registrar, proxy, call engine and stores on real sockets (`createSiphonServer`), with
 * its HTTP side (Prometheus `/metrics`, JSON `/api/…`), a per-address limit with a ban list,
 * structured logs and graceful shutdown. What `siphon serve` runs.
 * @module
 */
export { createSiphonServer, DEMO_USERS } from "./server.ts";
export type { DemoUser, ServerAddresses, SiphonServer, SiphonServerOptions } from "./server.ts";
export { createLogger } from "./logger.ts";
export type { LogFields, Logger, LoggerOptions, LogLevel } from "./logger.ts";
export { AddressLimiter } from "./rate-limit.ts";
export type { AddressLimitCounters, AddressLimitOptions } from "./rate-limit.ts";
export { formatMetrics } from "./metrics.ts";
export type { Metric, MetricSet, Sample } from "./metrics.ts";
export { httpApi } from "./http-api.ts";
export type { HttpApiSource } from "./http-api.ts";
export type { HttpHandler, HttpListener, ServerRuntime, StopSignal } from "./runtime.ts";
