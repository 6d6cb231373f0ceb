import type { SipRequest, SipResponse } from "../sip/index.ts";
import type { ServerTransaction, TransactionFlow } from "../transaction/index.ts";
import { Dialog } from "./dialog.ts";
import type { SessionHost } from "./host.ts";
import { sessionResponse } from "./messages.ts";
import type { ClientContext, ClientOwner } from "./outgoing-request.ts";
import type { DialogUsage } from "./usage.ts";

/**
 * A dialog nobody wants: the 2xx of a forked INVITE after another fork's 2xx was taken (RFC 3261
 * §13.2.2.4: "If the dialog is not wanted, the UAC core [...] MUST generate an ACK and then terminate
 * the dialog by sending a BYE."), or a 2xx whose session has already ended. The usage ACKs it (again
 * for each retransmission of the 2xx), sends the BYE, and ends with the BYE's transaction.
 */
export class DiscardedFork<F extends TransactionFlow> implements DialogUsage<F>, ClientOwner<F> {
  readonly usage = "invite" as const;
  private readonly host: SessionHost<F>;
  private readonly dialog: Dialog;
  private readonly ack: SipRequest;
  private readonly ackHop: string;
  private ended = false;

  private constructor(host: SessionHost<F>, dialog: Dialog, ack: SipRequest, ackHop: string) {
    this.host = host;
    this.dialog = dialog;
    this.ack = ack;
    this.ackHop = ackHop;
  }

  /** ACKs the 2xx to `invite` and BYEs its dialog. */
  static start<F extends TransactionFlow>(host: SessionHost<F>, invite: SipRequest, response: SipResponse, now: number): void {
    const dialog = Dialog.asUac(invite, response, false);
    const headers: [string, string][] = [];
    // §13.2.2.4: "The ACK MUST contain the same credentials as the INVITE."
    for (const v of invite.headers("Authorization")) headers.push(["Authorization", v]);
    for (const v of invite.headers("Proxy-Authorization")) headers.push(["Proxy-Authorization", v]);
    const { request: ack, nextHop } = dialog.buildRequest("ACK", { cseq: response.cseq.seq, headers });
    const fork = new DiscardedFork(host, dialog, ack, nextHop);
    dialog.addUsage(fork);
    host.addDialog(dialog);
    host.sendAck(ack, nextHop);
    const bye = dialog.buildRequest("BYE");
    if (host.send(bye.request, bye.nextHop, fork, "bye", dialog, false, now) === undefined) fork.finish();
  }

  /** @internal A retransmission of the 2xx: the same ACK again. */
  receive2xxAgain(response: SipResponse, _dialog: Dialog | undefined, _now: number): void {
    if (!this.ended && response.cseq.seq === this.ack.cseq.seq) this.host.sendAck(this.ack, this.ackHop);
  }

  takes(_request: SipRequest): boolean {
    return true;
  }

  /** The dialog is on its way out: a BYE from the peer is answered 200, anything else 481. */
  receiveRequest(_dialog: Dialog, request: SipRequest, transaction: ServerTransaction<F>, now: number): void {
    const status = request.method === "BYE" ? 200 : 481;
    transaction.respond(sessionResponse(request, status, this.dialog.localTag, []), now);
  }

  dialogDestroyed(_status: number, _now: number): void {
    this.finish();
  }

  receiveResponse(_ctx: ClientContext<F>, response: SipResponse, _now: number): void {
    if (response.status >= 200) this.finish();
  }

  requestFailed(_ctx: ClientContext<F>, _status: number, _now: number): void {
    this.finish();
  }

  resent(_ctx: ClientContext<F>, _next: ClientContext<F>): void {}

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.dialog.removeUsage(this)) this.host.removeDialog(this.dialog);
  }
}
