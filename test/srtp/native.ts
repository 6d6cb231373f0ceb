// The runtime's own SRTP crypto adapter, picked the way the runtime record will pick it.
import { bunSrtpCrypto } from "../../runtimes/bun/crypto.ts";
import { denoSrtpCrypto } from "../../runtimes/deno/crypto.ts";
import { nodeSrtpCrypto } from "../../runtimes/node/crypto.ts";
import type { SrtpCrypto } from "../../src/srtp/index.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
export const nativeCrypto: SrtpCrypto = g.Bun !== undefined ? bunSrtpCrypto : g.Deno !== undefined ? denoSrtpCrypto : nodeSrtpCrypto;

/** The two crypto paths every test runs: portable Wasm, and the runtime's native AES-ECB. */
export const PATHS: readonly { name: string; crypto: SrtpCrypto | undefined }[] = [
  { name: "wasm", crypto: undefined },
  { name: nativeCrypto.name, crypto: nativeCrypto },
];
