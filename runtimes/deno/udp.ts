/*
 * Deno has two UDP APIs. `Deno.listenDatagram` still needs `--unstable-net` (Deno 2.9), while Deno's
 * `node:dgram` works without flags. Measured with bench/transport.mjs-style loopback echo (500-byte
 * datagrams, 32 in flight, Deno 2.9.6, 2-core VM): node:dgram 14.2k / 12.2k pkt/s, listenDatagram
 * 14.0k / 12.4k pkt/s over two runs: a tie. node:dgram wins on needing no flag, so Deno uses the same
 * `node:dgram` adapter as Node.
 */
import { nodeDgramBind } from "../node/udp.ts";

/**
 * Without a larger receive buffer, even for the signalling sockets that ask for one: Deno 2.9.6's
 * node:dgram takes `recvBufferSize` (and `setRecvBufferSize`) as the size of the buffer it reads
 * each datagram into, made anew per datagram, and never passes it to the kernel (`ss -m` shows
 * the socket at Linux's default 208 KiB, while `getRecvBufferSize()` answers twice the request).
 * Echoing 2 000 datagrams/s, asking for 4 MiB cost 80–96 % of a core, 2.4–3.0 GB and 55–67 % of
 * the datagrams; without, 5 % and 90 MB, none lost. `Deno.listenDatagram` has no such option.
 * Its sends finish asynchronously, later than Node's lookup tick: `close()` waits for them
 * (settleSends).
 */
export const udpBind = nodeDgramBind({ noReceiveBuffer: true, settleSends: true });
