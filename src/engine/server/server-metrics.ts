/**
 * The server's `/metrics`: registrations, transactions, proxied requests, calls, responses by class,
 * shed and limited requests, media streams and call quality, as Prometheus families.
 */
import type { MediaDriver, SipEndpoint } from "../../driver/index.ts";
import type { CallEngine } from "../b2bua/index.ts";
import type { ProxyCore } from "../proxy/index.ts";
import type { Registrar } from "../registrar/index.ts";
import type { Storage } from "../storage/index.ts";
import type { ResponseCounters } from "./guarded-runtime.ts";
import { formatMetrics, labelled, single } from "./metrics.ts";
import type { MetricSet } from "./metrics.ts";
import type { AddressLimiter } from "./rate-limit.ts";

/** What the metrics are read from. */
export interface MetricSources {
  registrar: Registrar;
  front: SipEndpoint;
  proxy: ProxyCore<never> | ProxyCore;
  engine: CallEngine;
  media: MediaDriver;
  limiter: AddressLimiter;
  responses: ResponseCounters;
  storage: Storage;
  now: number;
}

/** The Prometheus text of the server's state now. */
export function serverMetrics(s: MetricSources): string {
  const r = s.registrar.counters;
  const tx = s.front.transactions!.counters;
  const p = s.proxy.counters;
  const e = s.engine.counters;
  const m = s.media.stats;
  let activeTx = 0;
  for (const states of Object.values(tx.active)) for (const n of Object.values(states)) activeTx += n;
  const mos: number[] = [];
  for (const c of s.engine.calls()) {
    const q = c.callerMedia?.quality as { mos?: number } | undefined;
    if (typeof q?.mos === "number") mos.push(q.mos);
  }
  const set: MetricSet = [
    single("siphon_registrations", "gauge", "Live bindings in the location service.", s.registrar.location.size),
    single("siphon_registered_aors", "gauge", "Addresses of record with at least one binding.", s.registrar.location.aorCount),
    labelled("siphon_register_total", "counter", "REGISTER requests by outcome.", "outcome", {
      accepted: r.accepted,
      challenged: r.challenged,
      auth_failed: r.authFailed,
      interval_too_brief: r.intervalTooBrief,
      bad_request: r.badRequest,
      not_found: r.notFound,
      too_many_contacts: r.tooManyContacts,
      out_of_order: r.outOfOrder,
      first_hop_lacks_outbound: r.firstHopLacksOutbound,
      storage_failed: r.rolledBack,
    }),
    single("siphon_transactions_active", "gauge", "Transactions in progress on the front endpoint.", activeTx),
    labelled("siphon_transactions_total", "counter", "Transactions created on the front endpoint.", "side", { server: tx.serverCreated, client: tx.clientCreated }),
    single("siphon_transaction_timeouts_total", "counter", "Client transactions that timed out (Timer B, F, H).", tx.timeouts),
    single("siphon_messages_malformed_total", "counter", "Messages refused as malformed.", tx.malformed),
    labelled("siphon_responses_sent_total", "counter", "SIP responses sent, by status class.", "class", { ...s.responses }),
    labelled("siphon_shed_total", "counter", "Requests shed or refused for load.", "reason", {
      overload: tx.overloadShed + tx.overload503,
      rate_limit: s.limiter.counters.dropped - s.limiter.counters.droppedBanList,
      ban_list: s.limiter.counters.droppedBanList,
    }),
    single("siphon_rate_limit_bans_total", "counter", "Addresses banned for going over the per-address limit.", s.limiter.counters.bans),
    single("siphon_overloaded", "gauge", "1 while the driver runs late and sheds new requests.", s.front.overload.overloaded ? 1 : 0),
    single("siphon_proxy_requests_total", "counter", "Requests proxied (RFC 3261 §16).", p.requests),
    single("siphon_proxy_branches_total", "counter", "Branches forked.", p.branches),
    single("siphon_proxy_active", "gauge", "Requests being proxied.", s.proxy.contextCount),
    labelled("siphon_proxy_local_responses_total", "counter", "Final responses the proxy made itself (407 challenges, 404, 483, ...), by status.", "status", p.local),
    labelled("siphon_calls_total", "counter", "Calls taken by the call engine.", "kind", { service: e.services, bridge: e.bridges, answered: e.answered, rejected: e.rejected, refused: e.refused }),
    single("siphon_calls_active", "gauge", "Calls in progress on the call engine.", s.engine.activeCalls),
    single("siphon_media_streams", "gauge", "RTP sessions running.", m.streams),
    labelled("siphon_media_packets_total", "counter", "RTP and RTCP datagrams.", "direction", { sent: m.sent, received: m.received }),
    single("siphon_media_late_ticks_total", "counter", "Media clock ticks that fired more than half a tick late.", m.lateTicks),
    single("siphon_media_packets_late_total", "counter", "RTP and RTCP datagrams sent more than a packet time after they were due.", m.sentLate),
    single("siphon_call_mos_average", "gauge", "Average MOS (ITU-T G.107 estimate) of the calls in progress; NaN when none.", mos.length === 0 ? NaN : mos.reduce((a, b) => a + b, 0) / mos.length),
    labelled("siphon_storage_info", "gauge", "The store in use.", "kind", { [s.storage.kind]: 1 }),
  ];
  return formatMetrics(set);
}
