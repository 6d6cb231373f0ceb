import type { SipRequest } from "../sip/index.ts";
import type { ServerTransaction, TransactionFlow } from "../transaction/index.ts";
import type { Dialog } from "./dialog.ts";

/**
 * Dialog usages (RFC 5057). A dialog is shared state (Call-ID, tags, CSeq numbers, route set,
 * remote target) that one or more usages stand on: the INVITE usage an INVITE creates, a
 * subscription usage a SUBSCRIBE or REFER creates (RFC 6665, RFC 3515). Each usage ends on its own
 * (BYE ends the INVITE usage, a terminated subscription its usage); the dialog ends with the last
 * one. The session layer builds the INVITE usage; subscription usages plug in through this interface.
 */
export interface DialogUsage<F extends TransactionFlow = TransactionFlow> {
  /** Which kind of usage (RFC 5057 §4): the INVITE usage now, subscriptions next. */
  readonly usage: "invite" | "subscription";
  /**
   * Whether an in-dialog request belongs to this usage: INVITE, ACK, BYE, PRACK, UPDATE and the
   * session's INFO to the INVITE usage; NOTIFY and SUBSCRIBE with a matching Event (and id) to a
   * subscription (RFC 6665 §4.5.2).
   */
  takes(request: SipRequest): boolean;
  /**
   * A request of this usage inside `dialog` (the core matched the dialog, checked the CSeq order of
   * §12.2.2, and the Require and Content-Type of §8.2.2.3 and §8.2.3): answer it on `transaction`.
   */
  receiveRequest(dialog: Dialog, request: SipRequest, transaction: ServerTransaction<F>, now: number): void;
  /**
   * The dialog went away under the usage: a 481 to a request inside it, or another response that
   * RFC 5057 §5.1 says destroys the dialog. The usage ends without sending anything.
   */
  dialogDestroyed(status: number, now: number): void;
}

/** How far a final response to an in-dialog request reaches (RFC 5057 §5.1). */
export type ResponseReach = "transaction" | "usage" | "dialog";

/**
 * What a final response to a request inside a dialog does to the dialog (RFC 5057 §5.1, refining
 * RFC 3261 §12.2.1.2: "If the response for a request within a dialog is a 481 (Call/Transaction
 * Does Not Exist) or a 408 (Request Timeout), the UAC SHOULD terminate the dialog."):
 *
 * - the dialog and every usage end: 481, and the responses that say the request reached an
 *   element that has no such dialog (404, 410, 416, 482, 483, 484, 485, 502, 604);
 * - the usage of the request ends: 408 (and a transaction timeout, treated as 408, RFC 3261
 *   §8.1.3.1), 405 and 501 for the method, 480, 489;
 * - everything else affects the transaction only (the usage and dialog go on).
 */
export function responseReach(status: number): ResponseReach {
  switch (status) {
    case 404:
    case 410:
    case 416:
    case 481:
    case 482:
    case 483:
    case 484:
    case 485:
    case 502:
    case 604:
      return "dialog";
    case 405:
    case 408:
    case 480:
    case 489:
    case 501:
      return "usage";
    default:
      return "transaction";
  }
}
