/// <reference types="node" />
import { createSocket } from "node:dgram";
import { isIPv6 } from "node:net";
import type { DatagramHandlers, DatagramSocket } from "../types.ts";

/**
 * The receive buffer asked of the kernel. Datagrams wait there while the process is busy (a garbage
 * collection, a scheduler that gave the core to another process): at 10 000 requests/s Linux's
 * default 208 KiB holds some 20 ms of them, 4 MiB about half a second. Linux caps it at
 * net.core.rmem_max.
 */
const RECEIVE_BUFFER = 4 * 1024 * 1024;

/** UDP over `node:dgram`. The socket family follows the bind address. */
export const udpBind = nodeDgramBind(RECEIVE_BUFFER);

/**
 * `udpBind` over `node:dgram`, asking for `receiveBuffer` bytes of kernel receive buffer (the
 * system default when undefined).
 */
export function nodeDgramBind(
  receiveBuffer: number | undefined,
): (options: { host: string; port: number }, handlers: DatagramHandlers) => Promise<DatagramSocket> {
  return (options, handlers) => bind(options, handlers, receiveBuffer);
}

function bind(options: { host: string; port: number }, handlers: DatagramHandlers, receiveBuffer: number | undefined): Promise<DatagramSocket> {
  const v6 = isIPv6(options.host);
  const socket = createSocket({ type: v6 ? "udp6" : "udp4", ipv6Only: v6, ...(receiveBuffer ? { recvBufferSize: receiveBuffer } : {}) });
  socket.on("message", (msg, rinfo) => {
    handlers.onMessage(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), { host: rinfo.address, port: rinfo.port });
  });
  socket.on("error", (error) => handlers.onError?.(error));
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port, options.host, () => {
      socket.off("error", reject);
      const a = socket.address();
      resolve({
        local: { host: a.address, port: a.port },
        send(data, host, port) {
          // No per-send callback: it costs a closure and a tick per datagram, and without one
          // node:dgram reports send errors as "error" events, which go to onError above.
          socket.send(data, port, host);
        },
        close() {
          try {
            socket.close();
          } catch {
            // already closed
          }
        },
      });
    });
  });
}
