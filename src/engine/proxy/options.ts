import type { SipRequest, SipUri } from "../../sip/index.ts";
import type { RequestChallenger } from "../../session/index.ts";
import type { TransactionFlow, TransactionLayer, TransactionLayerOptions } from "../../transaction/index.ts";
import type { ProxyLocation } from "./location.ts";

/** How the proxy core reaches the network: next hops, its own addresses, its Record-Route URIs. */
export interface ProxyTransport<F extends TransactionFlow = TransactionFlow> {
  /**
   * Where `request` goes when its next hop is `nextHop` (a URI: the first Route, else the
   * Request-URI, RFC 3261 §16.6 step 7), or over `flow` when the target is bound to a flow
   * (RFC 5626 §5.3). Fills in the top Via's sent-by and transport (the proxy has set the branch,
   * §18.1.1) and returns the flow; undefined when nothing reaches the next hop.
   */
  route(request: SipRequest, nextHop: string, flow: F | undefined): F | undefined;
  /**
   * The URI (no angle brackets, no `lr`) this proxy writes in Record-Route for the side of a dialog
   * that is reached over `flow` (RFC 3261 §16.6 step 4): the address and transport of the listening
   * point the flow uses, so that requests come back the way they went (RFC 5658).
   */
  recordRoute(flow: F): string;
  /** Whether `uri` names this proxy (one of its listening points or aliases), RFC 3261 §16.4. */
  isLocal(uri: SipUri): boolean;
}

/** How a proxy forks to the contacts of a location lookup (RFC 3261 §16.6, ordered by q-value, §16.5). */
export type ForkingMode =
  /** Every contact at once. */
  | "parallel"
  /** One contact at a time, highest q first; the next after a failure of the one before. */
  | "sequential"
  /** Contacts of equal q at once, the groups one after another from the highest q. */
  | "q-groups";

/** Options of {@link createProxyCore}. */
export interface ProxyCoreOptions<F extends TransactionFlow = TransactionFlow> {
  /** Routes requests and names the proxy's addresses. */
  transport: ProxyTransport<F>;
  /** Where addresses of record of the served domains are (RFC 3261 §16.5). */
  location: ProxyLocation<F>;
  /**
   * The transaction layer: an existing one (a driver endpoint's, made with `checks: false` and
   * `autoCancel: false`), whose events the caller passes to `handleTransactionEvent`; or options
   * for one the core makes and drives itself. Default: a new layer as a proxy needs it.
   */
  transactions?: TransactionLayer<F> | TransactionLayerOptions;
  /**
   * The domains this proxy is responsible for (RFC 3261 §16.5): a Request-URI whose host is one of
   * them, or names the proxy itself, is looked up in the location service; any other is forwarded
   * as it is. Lower case. Default none.
   */
  domains?: readonly string[];
  /** Insert Record-Route in dialog-creating requests (RFC 3261 §16.6 step 4). Default true. */
  recordRoute?: boolean;
  /** How to fork to several contacts. Default `"q-groups"`. */
  forking?: ForkingMode;
  /** Timer C (RFC 3261 §16.8: "MUST be set to a value greater than 3 minutes"), ms. Default 180 000. */
  timerC?: number;
  /**
   * Recurse on 3xx (RFC 3261 §16.5, §16.7 step 4): the contacts of a redirect join the target set
   * instead of the redirect going upstream. Default false.
   */
  recurseOnRedirect?: boolean;
  /** Most targets one request may be forked to, recursion included (RFC 3261 §16.5). Default 16. */
  maxTargets?: number;
  /** Max-Breadth when a request carries none (RFC 5393 §5.3: 60). */
  maxBreadth?: number;
  /** Option tags this proxy supports in Proxy-Require (RFC 3261 §16.3 step 5). Default none. */
  supported?: readonly string[];
  /**
   * Authenticates callers (RFC 3261 §22.3): out-of-dialog requests other than ACK and CANCEL it
   * refuses get its answer (407 with Proxy-Authenticate, from `digestChallenger` over a digest
   * server made with `proxy: true`).
   */
  authenticate?: RequestChallenger;
  /**
   * A name for this proxy in its branches, for loop detection (RFC 3261 §16.3 step 4); proxies of
   * one cluster may share it. Default 6 random hex digits.
   */
  instance?: string;
  /** Queue {@link ProxyEvent}s for `pollEvent`. Default true. */
  events?: boolean;
  /** Called when the core queues output while none was queued (see TransactionLayerOptions.onOutput). */
  onOutput?: () => void;
}
