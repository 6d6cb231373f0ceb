/**
 * The server's HTTP side, web-standard (`Request` in, `Response` out, the same on every runtime):
 * `GET /metrics` (Prometheus text), `GET /api/registrations`, `/api/calls`, `/api/cdrs?limit=&before=`
 * (JSON) and `GET /health`. Anything else is 404; other methods 405.
 */
import type { Binding } from "../registrar/index.ts";
import type { CallRecord } from "../b2bua/index.ts";
import type { StoredCallRecord } from "../storage/index.ts";

/** What the HTTP side reads from the server. */
export interface HttpApiSource {
  metrics(): string;
  registrations(): Binding[];
  calls(): CallRecord[];
  cdrs(query: { limit?: number; before?: number }): Promise<StoredCallRecord[]>;
  /** Wall-clock ms, for remaining expiry. */
  wallTime(): number;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body, null, 2) + "\n", { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } });

/** A registration as the API shows it: no live flow object, remaining seconds added. */
function registrationView(b: Binding, now: number) {
  return {
    aor: b.aor,
    contact: b.contact,
    q: b.q,
    expires: Math.max(0, Math.ceil((b.expiresAt - now) / 1000)),
    expiresAt: new Date(b.expiresAt).toISOString(),
    source: b.source,
    path: b.path,
    instanceId: b.instanceId,
    regId: b.regId,
    userAgent: b.userAgent,
    connected: b.flow !== undefined,
  };
}

function intParam(url: URL, name: string): number | undefined | "bad" {
  const v = url.searchParams.get(name);
  if (v === null) return undefined;
  return /^\d{1,15}$/.test(v) ? Number(v) : "bad";
}

/** The handler of the HTTP listener. */
export function httpApi(source: HttpApiSource): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (request.method !== "GET" && request.method !== "HEAD") return new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
    switch (url.pathname) {
      case "/metrics":
        return new Response(source.metrics(), { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" } });
      case "/health":
        return json({ status: "ok" });
      case "/api/registrations": {
        const now = source.wallTime();
        return json({ registrations: source.registrations().map((b) => registrationView(b, now)) });
      }
      case "/api/calls":
        return json({ calls: source.calls() });
      case "/api/cdrs": {
        const limit = intParam(url, "limit");
        const before = intParam(url, "before");
        if (limit === "bad" || before === "bad") return json({ error: "limit and before must be non-negative integers" }, 400);
        try {
          return json({ cdrs: await source.cdrs({ ...(limit !== undefined ? { limit } : {}), ...(before !== undefined ? { before } : {}) }) });
        } catch (e) {
          return json({ error: `storage: ${(e as Error).message}` }, 503);
        }
      }
      default:
        return json({ error: "not found", endpoints: ["/metrics", "/health", "/api/registrations", "/api/calls", "/api/cdrs"] }, 404);
    }
  };
}
