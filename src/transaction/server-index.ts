import type { SipRequest } from "../sip/index.ts";
import { inviteKey } from "./key.ts";
import type { ServerKeys } from "./key.ts";
import type { ServerTransaction } from "./transaction.ts";
import type { TransactionFlow } from "./types.ts";

/**
 * The secondary lookups of server transactions, besides their §17.2.3 match key: the transaction a
 * CANCEL targets (RFC 3261 §9.2), the INVITE an RFC 2543 ACK belongs to (§17.2.3), and the
 * From tag / Call-ID / CSeq of ongoing requests for merged-request detection (§8.2.2.2). Each
 * transaction remembers the key it was filed under in each map, so that it is unfiled with one
 * probe per map.
 */
export class ServerIndex<F extends TransactionFlow> {
  private readonly cancel = new Map<string, ServerTransaction<F>>();
  private readonly ack = new Map<string, ServerTransaction<F>>();
  private readonly merge = new Map<string, ServerTransaction<F>>();

  /**
   * Files a new transaction: under its CANCEL key (not a CANCEL itself, nor an RFC 3261 INVITE,
   * which its CANCEL finds by its match key: {@link cancelTarget}), RFC 2543 ACK key (INVITE), merge key.
   */
  file(txn: ServerTransaction<F>, request: SipRequest, keys: ServerKeys, mergeKey: string | undefined): void {
    const method = request.method;
    if (method !== "CANCEL" && !(keys.rfc3261 && method === "INVITE") && !this.cancel.has(keys.cancel)) {
      this.cancel.set(keys.cancel, txn);
      txn.cancelKey = keys.cancel;
    }
    if (keys.ack2543 !== undefined && method === "INVITE") {
      this.ack.set(keys.ack2543, txn);
      txn.ackKey = keys.ack2543;
    }
    // The layer files a merge key only after `merged` found none: no second probe.
    if (mergeKey !== undefined) {
      this.merge.set(mergeKey, txn);
      txn.mergeKey = mergeKey;
    }
  }

  /**
   * §9.2: the transaction a CANCEL with these keys cancels. With an RFC 3261 branch that is nearly
   * always an INVITE, found in `servers` (the layer's map by match key) under the CANCEL key with
   * the method INVITE (§17.2.3), so INVITEs take no entry here; any other method is filed here.
   */
  cancelTarget(keys: ServerKeys, servers: ReadonlyMap<string, ServerTransaction<F>>): ServerTransaction<F> | undefined {
    if (keys.rfc3261) {
      const invite = servers.get(inviteKey(keys.cancel));
      if (invite !== undefined) return invite;
    }
    return this.cancel.get(keys.cancel);
  }

  /** §8.2.2.2: whether an ongoing request has this From tag, Call-ID and CSeq. */
  merged(mergeKey: string): boolean {
    return this.merge.has(mergeKey);
  }

  /** RFC 2543 ACK: same INVITE fields, and the To tag of the response the transaction sent (§17.2.3). */
  ack2543(request: SipRequest, keys: ServerKeys): ServerTransaction<F> | undefined {
    const txn = keys.ack2543 === undefined ? undefined : this.ack.get(keys.ack2543);
    if (txn === undefined || txn.kind !== "invite-server") return undefined;
    return txn.sentToTag === request.toTag ? txn : undefined;
  }

  /** Removes every entry of `txn`. */
  unfile(txn: ServerTransaction<F>): void {
    const { cancelKey, ackKey, mergeKey } = txn;
    if (cancelKey !== undefined) {
      if (this.cancel.get(cancelKey) === txn) this.cancel.delete(cancelKey);
      txn.cancelKey = undefined;
    }
    if (ackKey !== undefined) {
      if (this.ack.get(ackKey) === txn) this.ack.delete(ackKey);
      txn.ackKey = undefined;
    }
    if (mergeKey !== undefined) {
      if (this.merge.get(mergeKey) === txn) this.merge.delete(mergeKey);
      txn.mergeKey = undefined;
    }
  }
}
