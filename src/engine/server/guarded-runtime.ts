/**
 * The driver's runtime record with the server's guard in front of the sockets: datagrams and
 * stream bytes from an address the {@link AddressLimiter} refuses are dropped before the transport
 * core parses them, and connections from a banned address are closed at accept. On the way out,
 * the status class of each SIP response sent is counted (the first bytes of a message: `SIP/2.0 4`).
 */
import type { DriverRuntime, StreamHandlers } from "../../driver/index.ts";
import type { AddressLimiter } from "./rate-limit.ts";

/** Responses sent, by status class. */
export interface ResponseCounters {
  "1xx": number;
  "2xx": number;
  "3xx": number;
  "4xx": number;
  "5xx": number;
  "6xx": number;
}

const PREFIX = [0x53, 0x49, 0x50, 0x2f, 0x32, 0x2e, 0x30, 0x20]; // "SIP/2.0 "

function countResponse(data: Uint8Array, counters: ResponseCounters): void {
  if (data.length < 9) return;
  for (let i = 0; i < 8; i++) if (data[i] !== PREFIX[i]) return;
  const c = data[8]! - 0x30;
  if (c >= 1 && c <= 6) counters[`${c}xx` as keyof ResponseCounters]++;
}

/** Wraps `rt` so that `limiter` sees every inbound datagram and connection, and responses are counted. */
export function guardRuntime<R extends DriverRuntime>(rt: R, limiter: AddressLimiter, responses: ResponseCounters): R {
  return {
    ...rt,
    async udpBind(options, handlers) {
      const socket = await rt.udpBind(options, {
        ...handlers,
        onMessage(data, from) {
          if (limiter.allow(from.host, rt.now())) handlers.onMessage(data, from);
        },
      });
      return {
        local: socket.local,
        send(data, host, port) {
          countResponse(data, responses);
          socket.send(data, host, port);
        },
        close: () => socket.close(),
      };
    },
    streamListen(options, onConnection) {
      return rt.streamListen(options, (connection) => {
        const host = connection.remote.host;
        const guarded = {
          local: connection.local,
          remote: connection.remote,
          write(data: Uint8Array) {
            countResponse(data, responses);
            connection.write(data);
          },
          close: () => connection.close(),
        };
        if (!limiter.allow(host, rt.now())) {
          connection.close();
          return { onData() {}, onClose() {} };
        }
        const inner: StreamHandlers = onConnection(guarded);
        return {
          onData(chunk) {
            if (limiter.allow(host, rt.now())) inner.onData(chunk);
            else connection.close();
          },
          onClose: (error) => inner.onClose(error),
        };
      });
    },
  };
}
