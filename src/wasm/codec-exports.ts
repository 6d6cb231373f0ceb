/** Exports of the codec core (assembly/codec/). */
// deno-lint-ignore no-empty-interface
export interface CodecCoreExports {}
