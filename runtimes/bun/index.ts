import type { Runtime } from "../types.ts";
import { bunSrtpCrypto } from "./crypto.ts";
// Bun implements node:dns natively (c-ares), SRV and NAPTR included: the Node adapter's resolver.
import { dns } from "../node/dns.ts";
import { streamConnect, streamListen } from "./stream.ts";
import { udpBind } from "./udp.ts";
// Files, environment and signals: Bun implements node:fs and process natively.
import { env, makeDirectory, onSignal, readTextFile } from "../node/host.ts";
import { openSqlite, serveHttp } from "./server.ts";

/** The Bun (1.1+) runtime record. */
export const bunRuntime: Runtime = {
  name: "bun",
  now: () => performance.now(),
  setTimer: (ms, callback) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle as number),
  randomBytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
  udpBind,
  streamConnect,
  streamListen,
  dns,
  wallTime: () => Date.now(),
  openSqlite,
  serveHttp,
  makeDirectory,
  readTextFile,
  env,
  onSignal,
  srtpCrypto: bunSrtpCrypto,
};

export default bunRuntime;
