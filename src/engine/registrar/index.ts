/**
 * The registrar and location service (RFC 3261 §10; Path, RFC 3327; outbound flows, RFC 5626 §6):
 * a sans-I/O core that answers REGISTER and hands back the binding changes to make durable, the
 * in-memory location service a proxy looks contacts up in, and the users it authenticates, kept
 * as HA1s.
 * @module
 */
export { createRegistrar } from "./registrar.ts";
export type { Registrar, RegistrarCounters, RegistrarOptions, RegisterResult } from "./registrar.ts";
export { LocationService } from "./location.ts";
export type { LocationEvent } from "./location.ts";
export { bindingKey, canonicalAor } from "./binding.ts";
export type { Binding, BindingChange } from "./binding.ts";
export { createUserDirectory } from "./users.ts";
export type { UserDirectory, UserInit } from "./users.ts";
