/** Exports of the rtp core (assembly/rtp/). */
// deno-lint-ignore no-empty-interface
export interface RtpCoreExports {}
