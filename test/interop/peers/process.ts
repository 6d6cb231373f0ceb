import type { ChildProcess } from "node:child_process";

/**
 * Stops a peer we started, by its PID: SIGTERM (baresip hangs up, tshark flushes its capture), then
 * SIGKILL if it is still there after `graceMs`. Resolves once it has exited.
 */
export async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
