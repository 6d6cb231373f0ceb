/**
 * The runtime record when the user gives none: the running runtime's adapter, detected and loaded
 * on first use (`runtimes/index.ts` imports only the adapter of the runtime it finds).
 */
import { loadRuntime } from "../../runtimes/index.ts";
import type { DriverRuntime, MediaRuntime } from "../driver/index.ts";

/** A runtime record for the user agent: the driver's, with native SRTP crypto when the runtime has it. */
export type UserAgentRuntime = DriverRuntime & Pick<MediaRuntime, "srtpCrypto">;

/** @internal The running runtime's record. */
export function detectedRuntime(): Promise<UserAgentRuntime> {
  return loadRuntime();
}
