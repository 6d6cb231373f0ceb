/// <reference types="node" />
import { randomFillSync } from "node:crypto";
import type { Runtime } from "../types.ts";
import { nodeSrtpCrypto } from "./crypto.ts";
import { dns } from "./dns.ts";
import { streamConnect, streamListen } from "./stream.ts";
import { udpBind } from "./udp.ts";
import { env, makeDirectory, onSignal, readTextFile } from "./host.ts";
import { serveHttp } from "./http.ts";
import { openSqlite } from "./sqlite.ts";

/** The Node.js (20+) runtime record. */
export const nodeRuntime: Runtime = {
  name: "node",
  now: () => performance.now(),
  setTimer: (ms, callback) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  randomBytes: (length) => randomFillSync(new Uint8Array(length)),
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
  srtpCrypto: nodeSrtpCrypto,
};

export default nodeRuntime;
