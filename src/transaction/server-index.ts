import type { SipRequest } from "../sip/index.ts";
import type { ServerKeys } from "./key.ts";
import type { ServerTransaction } from "./transaction.ts";
import type { TransactionFlow } from "./types.ts";

/**
 * The secondary lookups of server transactions, besides their §17.2.3 match key: the transaction a
 * CANCEL targets (RFC 3261 §9.2), the INVITE an RFC 2543 ACK belongs to (§17.2.3), and the
 * From tag / Call-ID / CSeq of ongoing requests for merged-request detection (§8.2.2.2). Each
 * transaction remembers the keys it was filed under, so that it is unfiled in one pass.
 */
export class ServerIndex<F extends TransactionFlow> {
  private readonly cancel = new Map<string, ServerTransaction<F>>();
  private readonly ack = new Map<string, ServerTransaction<F>>();
  private readonly merge = new Map<string, ServerTransaction<F>>();

  /** Files a new transaction: under its CANCEL key (not a CANCEL itself), RFC 2543 ACK key (INVITE), merge key. */
  file(txn: ServerTransaction<F>, request: SipRequest, keys: ServerKeys, mergeKey: string | undefined): void {
    if (request.method !== "CANCEL" && !this.cancel.has(keys.cancel)) this.put(this.cancel, keys.cancel, txn);
    if (keys.ack2543 !== undefined && request.method === "INVITE") this.put(this.ack, keys.ack2543, txn);
    if (mergeKey !== undefined && !this.merge.has(mergeKey)) this.put(this.merge, mergeKey, txn);
  }

  /** §9.2: the transaction a CANCEL with these keys cancels. */
  cancelTarget(keys: ServerKeys): ServerTransaction<F> | undefined {
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
    if (txn.indexKeys === undefined) return;
    for (const k of txn.indexKeys) {
      if (this.cancel.get(k) === txn) this.cancel.delete(k);
      if (this.ack.get(k) === txn) this.ack.delete(k);
      if (this.merge.get(k) === txn) this.merge.delete(k);
    }
    txn.indexKeys = undefined;
  }

  private put(map: Map<string, ServerTransaction<F>>, key: string, txn: ServerTransaction<F>): void {
    map.set(key, txn);
    (txn.indexKeys ??= []).push(key);
  }
}
