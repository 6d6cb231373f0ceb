import type { SipRequest } from "../../sip/index.ts";
import type { TransactionFlow } from "../../transaction/index.ts";

/** What a proxy core did, drained with `pollEvent()`. */
export type ProxyEvent<F extends TransactionFlow = TransactionFlow> =
  /** A request was forwarded on a new branch (RFC 3261 §16.6) to `target` over `flow`. */
  | { readonly type: "forwarded"; readonly request: SipRequest; readonly target: string; readonly flow: F }
  /**
   * The final response of a request went upstream: the best of its branches (RFC 3261 §16.7), or
   * the proxy's own answer (`local`: a §16.3 refusal, a challenge, no target).
   */
  | { readonly type: "final"; readonly request: SipRequest; readonly status: number; readonly local: boolean };
