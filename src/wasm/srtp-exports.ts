/** Exports of the srtp core (assembly/srtp/). */
// deno-lint-ignore no-empty-interface
export interface SrtpCoreExports {}
