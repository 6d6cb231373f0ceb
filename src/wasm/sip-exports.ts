/** Exports of the sip core (assembly/sip/). */
// deno-lint-ignore no-empty-interface
export interface SipCoreExports {}
