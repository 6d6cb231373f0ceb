/**
 * Routing rules of the server: match on the Request-URI (user, host, whole URI; exact, prefix or
 * regex), From and the packet source (addresses and CIDR prefixes); act by location lookup, a
 * B2BUA leg to a URI or a gateway with credentials, a service, or a rejection. The first match
 * wins. The configuration is validated by a zod schema that the server's configuration embeds.
 */
export { routingConfigSchema, parseRoutingConfig, formatIssues } from "./config.ts";
export type { GatewayConfig, RouteMatch, RouteRule, RoutingConfig, TextMatch } from "./config.ts";
export { callAction, createRouter, routeCalls } from "./router.ts";
export type { RouteCallsOptions, RouteDecision, RouteInput, Router } from "./router.ts";
export { RoutingError } from "./errors.ts";
export type { RoutingErrorCode } from "./errors.ts";
export { inPrefix, parseAddress, parsePrefix } from "./address-match.ts";
export type { AddressPrefix } from "./address-match.ts";
