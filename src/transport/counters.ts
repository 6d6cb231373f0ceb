import type { TransportCounters } from "./types.ts";

/** Fresh, zeroed transport counters. */
export function newCounters(): TransportCounters {
  return {
    messagesIn: 0,
    messagesOut: 0,
    malformed: 0,
    malformedAnswered: 0,
    responsesDiscarded: 0,
    queueDropped: 0,
    connectionsOpened: 0,
    connectionsRefused: 0,
    connectionsRefusedAddress: 0,
    firstMessageTimeouts: 0,
    webSocketRefused: 0,
    connectionsClosed: 0,
    connectionsFailed: 0,
    idleClosed: 0,
    pingsSent: 0,
    pongsSent: 0,
    udpToTcp: 0,
    maddrIgnored: 0,
    sendErrors: 0,
  };
}
