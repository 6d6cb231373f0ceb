/*
 * Deno has two UDP APIs. `Deno.listenDatagram` still needs `--unstable-net` (Deno 2.9), while Deno's
 * `node:dgram` works without flags. Measured with bench/transport.mjs-style loopback echo (500-byte
 * datagrams, 32 in flight, Deno 2.9.6, 2-core VM): node:dgram 14.2k / 12.2k pkt/s, listenDatagram
 * 14.0k / 12.4k pkt/s over two runs: a tie. node:dgram wins on needing no flag, so Deno uses the same
 * `node:dgram` adapter as Node.
 */
import { nodeDgramBind } from "../node/udp.ts";

/**
 * Without a larger receive buffer: with `recvBufferSize` set, Deno 2.9's node:dgram spent half a core
 * and 400 MB at 2 000 datagrams/s (and lost 5 % of them); without it, 14 % and 126 MB. Its sends
 * finish asynchronously, later than Node's lookup tick: `close()` waits for them (settleSends).
 */
export const udpBind = nodeDgramBind(undefined, true);
