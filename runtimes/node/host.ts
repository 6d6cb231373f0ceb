/// <reference types="node" />
import { mkdir, readFile } from "node:fs/promises";
import type { StopSignal } from "../../src/engine/server/runtime.ts";

// Files, environment and signals for the server, on Node and on Bun (which implements node:fs and
// process natively).

export const makeDirectory = async (path: string): Promise<void> => {
  await mkdir(path, { recursive: true });
};

export const readTextFile = (path: string): Promise<string> => readFile(path, "utf8");

export const env = (name: string): string | undefined => process.env[name];

export function onSignal(signal: StopSignal, handler: () => void): () => void {
  process.on(signal, handler);
  return () => void process.off(signal, handler);
}
