import type { Runtime } from "../types.ts";
import { denoSrtpCrypto } from "./crypto.ts";
import { dns } from "./dns.ts";
import { streamConnect, streamListen } from "./stream.ts";
import { udpBind } from "./udp.ts";
import { env, makeDirectory, onSignal, openSqlite, readTextFile, serveHttp } from "./server.ts";

/** The Deno (2.x) runtime record. Needs `--allow-net` (and `--allow-sys` for host lookups). */
export const denoRuntime: Runtime = {
  name: "deno",
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
  srtpCrypto: denoSrtpCrypto,
};

export default denoRuntime;
