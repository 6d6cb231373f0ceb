/// <reference types="node" />
import { createSocket } from "node:dgram";
import { lookup as dnsLookup } from "node:dns";
import type { LookupOneOptions } from "node:dns";
import { isIP, isIPv6 } from "node:net";
import { setImmediate } from "node:timers";
import type { DatagramBindOptions, DatagramHandlers, DatagramSocket, SocketAddress } from "../types.ts";

/**
 * The receive buffer asked of the kernel. Datagrams wait there while the process is busy (a garbage
 * collection, a scheduler that gave the core to another process): at 10 000 requests/s Linux's
 * default 208 KiB holds some 20 ms of them, 4 MiB about half a second. Linux caps it at
 * net.core.rmem_max.
 */
const RECEIVE_BUFFER = 4 * 1024 * 1024;

/** UDP over `node:dgram`, every socket with a 4 MiB receive buffer unless the bind asks for another. */
export const udpBind = nodeDgramBind({ receiveBuffer: RECEIVE_BUFFER });

/** How a runtime's `node:dgram` is used. */
export interface NodeDgramOptions {
  /** Receive buffer in bytes for a bind that asks for none; the system default when undefined. */
  receiveBuffer?: number;
  /**
   * Leave the receive buffer alone even when a bind asks for one, and report none: for a
   * `node:dgram` whose `recvBufferSize` does not reach the kernel (Deno's).
   */
  noReceiveBuffer?: boolean;
  /**
   * Every send takes a callback and `close()` waits for the sends in flight: for a `node:dgram`
   * whose sends finish later than a tick (Deno's).
   */
  settleSends?: boolean;
}

/** `udpBind` over `node:dgram`. */
export function nodeDgramBind(
  how: NodeDgramOptions,
): (options: DatagramBindOptions, handlers: DatagramHandlers) => Promise<DatagramSocket> {
  const settle = how.settleSends ?? false;
  if (how.noReceiveBuffer) return (options, handlers) => bind(options, handlers, undefined, false, settle);
  return (options, handlers) => bind(options, handlers, options.receiveBuffer ?? how.receiveBuffer, true, settle);
}

/**
 * The address lookup of our sockets: an IP literal of the socket's family is its own address, at
 * once. node:dgram looks up the address of every send and bind, and with the default (`dns.lookup`)
 * even a literal is answered on a later tick: a deferred callback per datagram. Anything else goes
 * to `dns.lookup` as before (names, and a literal of the other family, which fails as it did).
 */
function literalLookup(address: string, options: number | LookupOneOptions, callback: LookupCallback): void {
  // node:dgram passes the family as a number (Node 20); an options object is taken too.
  const f = typeof options === "number" ? options : options.family;
  const family = f === 4 || f === "IPv4" ? 4 : f === 6 || f === "IPv6" ? 6 : 0;
  const literal = isIP(address);
  if (literal !== 0 && (family === 0 || literal === family)) return callback(null, address, literal);
  dnsLookup(address, (typeof options === "number" ? { family: options } : options) as LookupOneOptions, callback);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string, family: number) => void;

/** The longest `close()` waits for sends in flight, ms. */
const SETTLE_MS = 1000;

function bind(
  options: { host: string; port: number },
  handlers: DatagramHandlers,
  receiveBuffer: number | undefined,
  /** Whether `getRecvBufferSize()` tells the kernel's size (not on Deno). */
  reportsBuffer: boolean,
  settleSends: boolean,
): Promise<DatagramSocket> {
  const v6 = isIPv6(options.host);
  const socket = createSocket({
    type: v6 ? "udp6" : "udp4",
    ipv6Only: v6,
    lookup: literalLookup,
    ...(receiveBuffer ? { recvBufferSize: receiveBuffer } : {}),
  });
  // A media or signalling socket hears from one peer nearly always: its address object is made
  // once and handed out again while datagrams keep coming from it (never mutated, so a receiver
  // may keep it), instead of one object per datagram.
  let last: SocketAddress = { host: "", port: 0 };
  socket.on("message", (msg, rinfo) => {
    if (rinfo.port !== last.port || rinfo.address !== last.host) last = { host: rinfo.address, port: rinfo.port };
    handlers.onMessage(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), last);
  });
  socket.on("error", (error) => handlers.onError?.(error));
  // The peer asked for (`want`), and the one the socket is connected to once node:dgram says so
  // (`peer`); `busy` while a connect is under way (node:dgram allows one at a time).
  let want: SocketAddress | undefined;
  let peer: SocketAddress | undefined;
  let busy = false;
  // Datagrams sent while a connect is under way: libuv refuses an addressed send on a socket that
  // became connected meanwhile (UV_EISCONN), so they wait for the connect's callback (a tick).
  const held: { data: Uint8Array; host: string; port: number }[] = [];
  let inflight = 0;
  let closing = false;
  const closeNow = () => {
    try {
      socket.close();
    } catch {
      // already closed
    }
  };
  // One callback for every send (no closure per datagram); with a callback, node:dgram reports a
  // send's failure to it instead of as an "error" event.
  const settled = !settleSends ? undefined : (error: Error | null) => {
    inflight--;
    if (error) handlers.onError?.(error);
    if (closing && inflight === 0) closeNow();
  };
  const send = (data: Uint8Array, host: string, port: number) => {
    if (busy) {
      if (held.length < 256) held.push({ data, host, port });
      return;
    }
    if (peer !== undefined) {
      // Connected: no address lookup and no deferred callback per datagram.
      if (peer.port === port && peer.host === host) {
        if (settled === undefined) return void socket.send(data);
        inflight++;
        return void socket.send(data, settled);
      }
      want = undefined;
      disconnect();
    }
    if (settled === undefined) return void socket.send(data, port, host);
    inflight++;
    socket.send(data, port, host, settled);
  };
  const disconnect = () => {
    if (peer === undefined) return;
    peer = undefined;
    try {
      socket.disconnect();
    } catch {
      // closed meanwhile
    }
  };
  const follow = () => {
    if (busy || want === peer || (want && peer && want.host === peer.host && want.port === peer.port)) return;
    disconnect();
    const target = want;
    if (target === undefined) return;
    busy = true;
    try {
      socket.connect(target.port, target.host, (error?: Error) => {
        busy = false;
        if (!error) peer = target;
        // Asked for another peer (or none) meanwhile.
        if (want !== target) follow();
        if (!busy) for (const h of held.splice(0)) send(h.data, h.host, h.port);
      });
    } catch (error) {
      busy = false;
      want = undefined;
      handlers.onError?.(error);
    }
  };
  return new Promise((resolve, reject) => {
    // A failed bind (the port is taken) must not leave its descriptor open: a port pool that tries
    // a range of busy ports would otherwise run the process out of descriptors.
    const failed = (error: Error) => {
      closeNow();
      reject(error);
    };
    socket.once("error", failed);
    socket.bind(options.port, options.host, () => {
      socket.off("error", failed);
      // A port asked for on an IPv4 literal (a media pair's) is where the socket is: no getsockname.
      const a = options.port !== 0 && isIP(options.host) === 4 ? { address: options.host, port: options.port } : socket.address();
      resolve({
        local: { host: a.address, port: a.port },
        ...(reportsBuffer ? { receiveBuffer: socket.getRecvBufferSize() } : {}),
        // No per-send callback: it costs a closure and a tick per datagram, and without one
        // node:dgram reports send errors as "error" events, which go to onError above.
        send,
        connect(target) {
          want = target === undefined ? undefined : { host: target.host, port: target.port };
          follow();
        },
        close() {
          // node:dgram sends a datagram to an address after a lookup, on a later tick (even for an
          // IP literal): closing now would drop what was just sent (the BYE of a call hung up as
          // the user agent closes). Close once those ticks have run, or the sends have settled.
          closing = true;
          if (settled !== undefined && inflight > 0) setTimeout(closeNow, SETTLE_MS);
          else setImmediate(closeNow);
        },
      });
    });
  });
}
