import { connectionDeadline, connectionDue } from "./connection.ts";
import type { Connection, ConnectionDue, ConnectionTiming } from "./connection.ts";

/** Why an inbound connection was refused. */
export type Refusal = "total" | "address";

/**
 * The connections of a transport core: lookup by id and by reuse key, the limits on how many are
 * open in total and per peer address, and their deadlines (connect, first message, idle,
 * keep-alive, pong, slowloris, linger after a framing error).
 *
 * The per-address share keeps one address from taking every slot: with 1 024 connections in total
 * and 128 per address, one client holding its share leaves the rest to the others. Deadlines are
 * found by a sweep when the earliest is due; a connection's deadline only moves later with
 * activity, so a sweep that finds nothing due just re-arms.
 */
export class ConnectionTable {
  private readonly byId = new Map<number, Connection>();
  private readonly byKey = new Map<string, Connection>();
  private readonly perAddress = new Map<string, number>();
  private deadline: number | undefined;

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
    readonly timing: ConnectionTiming,
  ) {}

  /** Open and opening connections. */
  get size(): number {
    return this.byId.size;
  }

  get(id: number): Connection | undefined {
    return this.byId.get(id);
  }

  /** The connection to reuse for a transport and peer (RFC 3261 §18). */
  find(key: string): Connection | undefined {
    return this.byKey.get(key);
  }

  /** Connections open from one address (its per-address count). */
  fromAddress(source: string): number {
    return this.perAddress.get(source) ?? 0;
  }

  /** Whether one more connection may open: from `source` (inbound), or ours (outbound, undefined). */
  refusal(source: string | undefined): Refusal | undefined {
    if (this.byId.size >= this.maxTotal) return "total";
    if (source !== undefined && this.fromAddress(source) >= this.maxPerAddress) return "address";
    return undefined;
  }

  /** Files a new connection and arms its first deadline. */
  add(conn: Connection): void {
    this.byId.set(conn.id, conn);
    if (!this.byKey.has(conn.key)) this.byKey.set(conn.key, conn);
    if (conn.source !== undefined) this.perAddress.set(conn.source, this.fromAddress(conn.source) + 1);
    this.arm(connectionDeadline(conn, this.timing));
  }

  /** Forgets a connection; false when it was not filed. */
  remove(conn: Connection): boolean {
    if (!this.byId.delete(conn.id)) return false;
    if (conn.source !== undefined) {
      const n = this.fromAddress(conn.source) - 1;
      if (n > 0) this.perAddress.set(conn.source, n);
      else this.perAddress.delete(conn.source);
    }
    if (this.byKey.get(conn.key) === conn) {
      this.byKey.delete(conn.key);
      // Another connection to the same peer (both sides connected at once) takes over the key.
      for (const other of this.byId.values()) {
        if (other.key === conn.key) {
          this.byKey.set(conn.key, other);
          break;
        }
      }
    }
    return true;
  }

  /** Every connection (a copy: the caller may close them while iterating). */
  all(): Connection[] {
    return [...this.byId.values()];
  }

  /** Re-arms after a connection's deadline may have moved earlier (a ping sent, a partial message). */
  touch(conn: Connection): void {
    this.arm(connectionDeadline(conn, this.timing));
  }

  /** When a sweep may find something due. */
  nextDeadline(): number | undefined {
    return this.deadline;
  }

  /**
   * The connections with something due at `now`, with what; re-arms for the rest. The caller acts
   * on each (close, ping) and then calls `touch` for those it keeps.
   */
  sweep(now: number): [Connection, Exclude<ConnectionDue, undefined>][] {
    this.deadline = undefined;
    const due: [Connection, Exclude<ConnectionDue, undefined>][] = [];
    for (const conn of this.byId.values()) {
      const what = connectionDue(conn, now, this.timing);
      if (what !== undefined) due.push([conn, what]);
      else this.arm(connectionDeadline(conn, this.timing));
    }
    return due;
  }

  private arm(at: number): void {
    if (this.deadline === undefined || at < this.deadline) this.deadline = at;
  }
}
