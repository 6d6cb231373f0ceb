/**
 * siphon: a SIP/RTP VoIP stack for Node, Deno and Bun with a WebAssembly core.
 * This is the package's main entry; each layer also has its own entry point.
 */
export * from "./sip/index.ts";
