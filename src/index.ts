/**
 * siphon: a SIP/RTP VoIP stack for Node, Deno and Bun with a WebAssembly core. This main entry
 * re-exports every layer; each layer also has its own entry point (`@siphon/siphon/sip`, `@siphon/siphon/rtp`, ...).
 * The runtime adapters are separate entries (`@siphon/siphon/runtimes`, `@siphon/siphon/runtimes/node`, ...) so
 * that importing the library never loads another runtime's code.
 */
export { SiphonError } from "./errors.ts";
export type { ParseFailure, ParseOk, ParseResult, ParseResultEnd } from "./errors.ts";
export * from "./sip/index.ts";
export * from "./transport/index.ts";
export * from "./transaction/index.ts";
export * from "./driver/index.ts";
export * from "./rtp/index.ts";
export * from "./rtcp/index.ts";
export * from "./srtp/index.ts";
export * from "./codec/index.ts";
export * from "./sdp/index.ts";
export * from "./auth/index.ts";
export * from "./media/index.ts";
export * from "./session/index.ts";
