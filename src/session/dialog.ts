import { createRequest } from "../sip/index.ts";
import type { SipMessage, SipRequest, SipResponse } from "../sip/index.ts";
import { H } from "../sip/header-names.ts";
import { findHeaderParam } from "../sip/header-scan.ts";
import { newBranch } from "../transaction/index.ts";
import { isLooseRoute, planRoute, routeSetFrom } from "./route-set.ts";
import { assertNever, listed, own } from "./strings.ts";
import type { DialogUsage } from "./usage.ts";

/**
 * States of a dialog (RFC 3261 §12):
 *
 * ```
 *   1xx with To tag                 2xx
 *   ---------------> +-------+ ---------------> +-----------+
 *                    | early |                  | confirmed |
 *                    +-------+     2xx          +-----------+
 *                        |    --------------------->  |
 *   non-2xx final, CANCEL|                            | BYE, 481, last usage ended
 *                        V                            V
 *                      +------------------------------+
 *                      |          terminated          |
 *                      +------------------------------+
 * ```
 *
 * §12: "A dialog can also be in the "early" state, which occurs when it is created with a
 * provisional response, and then transition to the "confirmed" state when a 2xx final response
 * arrives. For other responses, or if no response arrives at all on that dialog, the early dialog
 * terminates."
 */
export type DialogState = "early" | "confirmed" | "terminated";

const FROM: Record<DialogState, readonly DialogState[]> = {
  early: [],
  confirmed: ["early"],
  terminated: ["early", "confirmed"],
};

/** The key dialogs are filed under: Call-ID, local tag, remote tag (the dialog ID, §12). */
export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return callId + "\n" + localTag + "\n" + remoteTag;
}

/** Fields of a request built inside a dialog. */
export interface InDialogInit {
  /** CSeq number; default: the next local sequence number (§12.2.1.1). ACK and CANCEL give theirs. */
  cseq?: number;
  /** Contact URI (target refresh requests: re-INVITE, UPDATE; RFC 3261 §12.2.1.1, RFC 3311 §5.1). */
  contact?: string;
  headers?: [string, string][];
  body?: string | Uint8Array;
  contentType?: string;
}

/**
 * A dialog (RFC 3261 §12): the peer-to-peer relationship an INVITE (or, later, a SUBSCRIBE or REFER)
 * creates, identified by Call-ID, local tag and remote tag, with its sequence numbers, URIs, remote
 * target and route set. It carries one or more usages (RFC 5057) and ends with the last of them.
 * Its state is strings and numbers only: it holds no message.
 */
export class Dialog {
  /** The key the core files the dialog under ({@link dialogKey}). */
  readonly key: string;
  /** The dialog ID (§12): Call-ID, local tag, remote tag. */
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** Whether this side sent (`uac`) or received (`uas`) the request that created the dialog. */
  readonly role: "uac" | "uas";
  /** Local sequence number (§12.1): -1 while empty. */
  localSeq: number;
  /** Remote sequence number (§12.1): -1 while empty. */
  remoteSeq: number;
  /** The local URI with the local tag: the From (UAC) or To (UAS) of the creating transaction, as written. */
  readonly localUri: string;
  /** The remote URI with the remote tag, as written. */
  readonly remoteUri: string;
  /** Remote target: the peer's Contact URI (§12.1.1, §12.1.2), replaced by target refreshes (§12.2). */
  remoteTarget: string;
  /** Route set, in the order Route fields are sent (§12.1.1, §12.1.2). */
  routeSet: readonly string[];
  /** §12.1.1: TLS and a SIPS Request-URI. */
  readonly secure: boolean;
  /** RFC 3262 §4: the RSeq of the last reliable provisional response acknowledged here (-1: none yet). */
  lastRseq = -1;
  /** The peer listed UPDATE in Allow (RFC 3311 §5.1): refreshes and early offers may use it. */
  peerAllowsUpdate = false;
  /** The usages standing on this dialog (RFC 5057). */
  readonly usages: DialogUsage[] = [];
  private current: DialogState;
  private strict: boolean;
  /**
   * Whether the local and remote URI carry exactly the local and remote tag (as a scan of them
   * finds): requests built here then know their From and To tags without scanning for them.
   */
  private readonly plainTags: boolean;

  private constructor(
    role: "uac" | "uas",
    callId: string,
    localTag: string,
    remoteTag: string,
    localUri: string,
    remoteUri: string,
    secure: boolean,
    early: boolean,
  ) {
    this.role = role;
    this.callId = own(callId);
    this.localTag = own(localTag);
    this.remoteTag = own(remoteTag);
    this.key = dialogKey(this.callId, this.localTag, this.remoteTag);
    this.localUri = own(localUri);
    this.remoteUri = own(remoteUri);
    this.secure = secure;
    this.current = early ? "early" : "confirmed";
    this.localSeq = -1;
    this.remoteSeq = -1;
    this.remoteTarget = "";
    this.routeSet = [];
    this.strict = false;
    // The UAC's local URI and remote URI, and the UAS's remote URI, are the fields their tags were
    // read from; the UAS's local URI is the To with the tag appended, which a malformed To could hide.
    this.plainTags = localTag !== "" && remoteTag !== "" && (role === "uac" || findHeaderParam(this.localUri, "tag") === this.localTag);
  }

  /**
   * The UAC side's dialog from a 1xx (early) or 2xx (confirmed) with a To tag (§12.1.2): "The route
   * set MUST be set to the list of URIs in the Record-Route header field from the response, taken
   * in reverse order [...]. The remote target MUST be set to the URI from the Contact header field of
   * the response. The local sequence number MUST be set to the value of the sequence number in the
   * CSeq header field of the request. The remote sequence number MUST be empty [...]. The call
   * identifier component of the dialog ID MUST be set to the value of the Call-ID in the request.
   * The local tag component of the dialog ID MUST be set to the tag in the From field in the
   * request, and the remote tag component of the dialog ID MUST be set to the tag in the To field of
   * the response. [...] The remote URI MUST be set to the URI in the To field, and the local URI
   * MUST be set to the URI in the From field."
   */
  static asUac(request: SipRequest, response: SipResponse, secure: boolean): Dialog {
    const d = new Dialog(
      "uac",
      request.callId,
      request.fromTag ?? "",
      response.toTag ?? "",
      request.header("From") ?? "",
      response.header("To") ?? "",
      secure,
      response.status < 200,
    );
    d.localSeq = request.cseq.seq;
    d.setRoute(routeSetFrom(response, true));
    d.remoteTarget = contactUri(response) ?? own(request.uriText);
    d.learnPeer(response);
    return d;
  }

  /**
   * The UAS side's dialog, made when it sends a 1xx or 2xx with a To tag (§12.1.1): "The route set
   * MUST be set to the list of URIs in the Record-Route header field from the request, taken in
   * order [...]. The remote target MUST be set to the URI from the Contact header field of the
   * request." "The remote sequence number MUST be set to the value of the sequence number in the
   * CSeq header field of the request. The local sequence number MUST be empty." "The remote URI
   * MUST be set to the URI in the From field, and the local URI MUST be set to the URI in the To field."
   */
  static asUas(request: SipRequest, localTag: string, secure: boolean, early: boolean): Dialog {
    const to = request.header("To") ?? "";
    const d = new Dialog("uas", request.callId, localTag, request.fromTag ?? "", `${to};tag=${localTag}`, request.header("From") ?? "", secure, early);
    d.remoteSeq = request.cseq.seq;
    d.setRoute(routeSetFrom(request, false));
    d.remoteTarget = contactUri(request) ?? "";
    d.learnPeer(request);
    return d;
  }

  /** The current state. */
  get state(): DialogState {
    return this.current;
  }

  /**
   * UAC: a 2xx arrived for the INVITE on this early dialog. §13.2.2.4: "If the dialog identifier in
   * the 2xx response matches the dialog identifier of an existing dialog, the dialog MUST be
   * transitioned to the "confirmed" state, and the route set for the dialog MUST be recomputed
   * based on the 2xx response using the procedures of Section 12.2.1.2." UAS: its 2xx was sent.
   */
  confirm(response?: SipResponse): void {
    if (this.current === "confirmed") return;
    // The route set is read first: a Record-Route that does not parse leaves the dialog as it was.
    const routes = response === undefined ? undefined : routeSetFrom(response, true);
    this.transition("confirmed");
    if (response !== undefined) {
      this.setRoute(routes!);
      this.refreshTarget(response);
      this.learnPeer(response);
    }
  }

  /** The dialog ends (its last usage ended, a 481, or an early dialog's INVITE failed). */
  terminate(): void {
    if (this.current !== "terminated") this.transition("terminated");
  }

  /**
   * A target refresh (§12.2.1.2 for responses, §12.2.2 for requests): "When a UAS receives a target
   * refresh request, it MUST replace the dialog's remote target URI with the URI from the Contact
   * header field in that request, if present."
   */
  refreshTarget(message: SipMessage): void {
    const uri = contactUri(message);
    if (uri !== undefined) this.remoteTarget = uri;
  }

  /** Notes what the peer's Allow says it can take (RFC 3311 §5.1: UPDATE only when it is allowed). */
  learnPeer(message: SipMessage): void {
    const n = message._count(H.ALLOW);
    if (n === 1) this.peerAllowsUpdate = listed(message._first(H.ALLOW)!, "UPDATE");
    else if (n > 1) this.peerAllowsUpdate = message._values(H.ALLOW, "").some((f) => listed(f, "UPDATE"));
  }

  /**
   * The CSeq check on a request inside the dialog (§12.2.2): "If the remote sequence number is
   * empty, it MUST be set to the value of the sequence number in the CSeq header field value in the
   * request. If the remote sequence number was not empty, but the sequence number of the request is
   * lower than the remote sequence number, the request is out of order and MUST be rejected with a
   * 500 (Server Internal Error) response. If the remote sequence number was not empty, and the
   * sequence number of the request is greater than the remote sequence number, the request is in
   * order." Returns false for an out-of-order request.
   */
  acceptRemoteSeq(seq: number): boolean {
    if (this.remoteSeq !== -1 && seq < this.remoteSeq) return false;
    this.remoteSeq = seq;
    return true;
  }

  /**
   * The next local CSeq number (§12.2.1.1): "the CSeq header field value MUST be the sequence number
   * of the previous request sent on the dialog plus one [...]; if the local sequence number is
   * empty, an initial value MUST be chosen using the guidelines of Section 8.1.1.5."
   */
  nextLocalSeq(): number {
    this.localSeq = this.localSeq === -1 ? 1 : this.localSeq + 1;
    return this.localSeq;
  }

  /** Where the next request inside the dialog goes (§12.2.1.1, §8.1.2): the first route, else the remote target. */
  get nextHop(): string {
    return planRoute(this.routeSet, this.remoteTarget, this.strict).nextHop;
  }

  /**
   * A request inside the dialog (§12.2.1.1): To is the remote URI with the remote tag, From the
   * local URI with the local tag, the dialog's Call-ID, Request-URI and Route from the route set and
   * remote target. The top Via has a new branch and a placeholder sent-by that the transport fills in.
   * Returns the request and the URI it must be sent to (§8.1.2).
   */
  buildRequest(method: string, init: InDialogInit = {}): { request: SipRequest; nextHop: string } {
    const plan = planRoute(this.routeSet, this.remoteTarget, this.strict);
    const headers: [string, string][] = [];
    for (const r of plan.routes) headers.push(["Route", r]);
    if (init.headers !== undefined) for (const h of init.headers) headers.push(h);
    const branch = newBranch();
    const request = createRequest({
      method,
      uri: plan.requestUri,
      from: this.localUri,
      to: this.remoteUri,
      callId: this.callId,
      cseq: init.cseq ?? this.nextLocalSeq(),
      via: `SIP/2.0/UDP invalid;branch=${branch}`,
      ...(init.contact !== undefined ? { contact: `<${init.contact}>` } : {}),
      headers,
      ...(init.body !== undefined ? { body: init.body, contentType: init.contentType ?? "application/sdp" } : {}),
    });
    if (this.plainTags) request._knownTags(this.localTag, this.remoteTag, branch);
    else request._knownTags(undefined, undefined, branch);
    return { request, nextHop: plan.nextHop };
  }

  /** Adds a usage (RFC 5057 §4). */
  addUsage(usage: DialogUsage): void {
    if (!this.usages.includes(usage)) this.usages.push(usage);
  }

  /**
   * Removes a usage; returns true when it was the last one, and then the dialog has ended (RFC 5057
   * §4: the dialog is destroyed when its last usage is).
   */
  removeUsage(usage: DialogUsage): boolean {
    const i = this.usages.indexOf(usage);
    if (i >= 0) this.usages.splice(i, 1);
    if (this.usages.length > 0) return false;
    this.terminate();
    return true;
  }

  private setRoute(routeSet: readonly string[]): void {
    this.routeSet = routeSet;
    let strict = false;
    if (routeSet.length > 0) {
      try {
        strict = !isLooseRoute(routeSet[0]!);
      } catch {
        strict = false;
      }
    }
    this.strict = strict;
  }

  /** The one place the state changes. */
  private transition(to: DialogState): void {
    const from = this.current;
    if (!FROM[to].includes(from)) throw new Error(`dialog: no transition from ${from} to ${to}`);
    this.current = to;
    switch (to) {
      case "early":
      case "confirmed":
      case "terminated":
        break;
      default:
        assertNever(to, "dialog state");
    }
  }
}

/**
 * The URI of the first Contact of a message (§20.10), or undefined when there is none or it is not
 * an absolute URI. Read from the field's text without a full parse: the part between `<` and `>`,
 * or, for the addr-spec form, everything before its first `;` or `,` (§20.10: "the URI [...] is
 * not enclosed in angle brackets, [and] any semicolon-delimited parameters are header-parameters").
 */
export function contactUri(message: SipMessage): string | undefined {
  const value = message.header("Contact");
  if (value === undefined) return undefined;
  let start = 0;
  let end = value.length;
  const lt = value.indexOf("<");
  if (lt >= 0) {
    start = lt + 1;
    end = value.indexOf(">", start);
    if (end < 0) return undefined;
  } else {
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c === 0x3b || c === 0x2c) {
        end = i;
        break;
      }
    }
  }
  // Trimmed as String.prototype.trim would, with no whitespace left inside.
  while (start < end && isSpace(value.charCodeAt(start))) start++;
  while (end > start && isSpace(value.charCodeAt(end - 1))) end--;
  // An absolute URI: a scheme of letters, then a colon (`*` and garbage are not remote targets).
  let colon = -1;
  let scheme = true;
  for (let i = start; i < end; i++) {
    const c = value.charCodeAt(i);
    if (isSpace(c)) return undefined;
    if (colon >= 0 || !scheme) continue;
    if (c === 0x3a) colon = i;
    else scheme = isAlpha(c) || (i > start && (isDigit(c) || c === 0x2b || c === 0x2e || c === 0x2d));
  }
  if (!scheme || colon <= start) return undefined;
  return own(value.slice(start, end));
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** What `\s` matches in a JavaScript regular expression (and `trim` removes): WhiteSpace and LineTerminator. */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
