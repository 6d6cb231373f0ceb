import { tryParseUri } from "../sip/index.ts";
import type { SipUri } from "../sip/index.ts";
import { numericTarget } from "../transport/index.ts";
import type { Flow, Target, TargetList } from "../transport/index.ts";

/** How long a located host's targets are used before a new request locates it again (ms). */
const FRESH = 60_000;
/** Most host names whose targets are kept. */
const MAX_HOSTS = 1024;
/** Most next-hop texts whose parsed form is kept (the remote targets of live dialogs repeat). */
const MAX_PARSED = 4096;

interface Located {
  readonly targets: readonly Target[];
  readonly at: number;
}

/**
 * Where requests of a session endpoint go (RFC 3261 §8.1.2, RFC 3263): the targets of a next-hop
 * URI. A numeric host is its own target, found at once; a host name is located with DNS
 * (NAPTR, SRV, A/AAAA) before a request that needs it enters the session core, which routes
 * synchronously — the located targets are then kept, in RFC 3263 order, for its later requests,
 * retries and failovers (§4.3: "the client SHOULD try the next element"). A host name nobody
 * located yet gets no target: the caller locates it and tries again.
 */
export class NextHops {
  private readonly hosts = new Map<string, Located>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly parsed = new Map<string, SipUri | null>();

  constructor(
    private readonly locate: (uri: SipUri) => Promise<TargetList>,
    private readonly now: () => number,
  ) {}

  /** The targets of `nextHop` (a URI, bare or in angle brackets) in the order to try them; undefined when not known yet. */
  targets(nextHop: string): readonly Target[] | undefined {
    const uri = this.uri(nextHop);
    if (uri === undefined) return undefined;
    const numeric = numericTarget(uri);
    if (numeric !== undefined) return [numeric];
    return this.hosts.get(hostKey(uri))?.targets;
  }

  /** The target to try after the one `failed` went to (§4.3), or undefined when none is left. */
  after(nextHop: string, failed: Flow): Target | undefined {
    const list = this.targets(nextHop);
    if (list === undefined) return undefined;
    // prepareRequest may have moved a large UDP request to TCP (RFC 3261 §18.1.1): match the address.
    const i = list.findIndex((t) => t.host === failed.remote.host && t.port === failed.remote.port);
    return i < 0 ? undefined : list[i + 1];
  }

  /**
   * Locates `nextHop`'s host when it is a name whose targets are unknown or older than a minute;
   * undefined when nothing needs locating (a numeric host, fresh targets, or a URI that does not
   * parse: the core then finds no route). The promise rejects with TransportError RESOLVE_FAILED
   * when DNS finds nothing.
   */
  prepare(nextHop: string): Promise<void> | undefined {
    const uri = this.uri(nextHop);
    if (uri === undefined || numericTarget(uri) !== undefined) return undefined;
    const key = hostKey(uri);
    const known = this.hosts.get(key);
    if (known !== undefined && this.now() - known.at < FRESH) return undefined;
    let p = this.pending.get(key);
    if (p === undefined) {
      p = this.locate(uri).then(
        (list) => {
          this.pending.delete(key);
          this.hosts.delete(key);
          this.hosts.set(key, { targets: list.targets, at: this.now() });
          if (this.hosts.size > MAX_HOSTS) this.hosts.delete(this.hosts.keys().next().value as string);
        },
        (error: unknown) => {
          this.pending.delete(key);
          throw error;
        },
      );
      this.pending.set(key, p);
    }
    return p;
  }

  /** Locates `nextHop` in the background when it needs it (a dialog's route or remote target), ignoring failures. */
  warm(nextHop: string): void {
    this.prepare(nextHop)?.catch(() => undefined);
  }

  private uri(nextHop: string): SipUri | undefined {
    let uri = this.parsed.get(nextHop);
    if (uri === undefined) {
      const lt = nextHop.indexOf("<");
      const text = lt >= 0 ? nextHop.slice(lt + 1, nextHop.indexOf(">", lt)) : nextHop;
      const r = tryParseUri(text);
      uri = r.ok && (r.value.scheme === "sip" || r.value.scheme === "sips") ? (r.value as SipUri) : null;
      if (this.parsed.size >= MAX_PARSED) this.parsed.clear();
      this.parsed.set(nextHop, uri);
    }
    return uri ?? undefined;
  }
}

/** What RFC 3263 location depends on: scheme, host, port, transport and maddr (not the user part). */
function hostKey(uri: SipUri): string {
  const t = uri.params["transport"];
  const m = uri.params["maddr"];
  return `${uri.scheme}:${uri.host.toLowerCase()}:${uri.port ?? ""};${typeof t === "string" ? t.toLowerCase() : ""};${typeof m === "string" ? m : ""}`;
}
