import type { Runtime } from "../../runtimes/types.ts";

/** Whether this host has an IPv6 loopback: tests that need one are skipped, visibly, without it. */
export async function hasIpv6Loopback(runtime: Promise<Runtime>): Promise<boolean> {
  try {
    const s = await (await runtime).udpBind({ host: "::1", port: 0 }, { onMessage: () => {} });
    s.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until `done()` holds, polling every 10 ms; throws after `ms`. For events on real sockets:
 * the bound is for an event that never comes, not a timing assertion.
 */
export async function until(done: () => boolean, ms = 15_000): Promise<void> {
  for (let waited = 0; !done(); waited += 10) {
    if (waited > ms) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 10));
  }
}
