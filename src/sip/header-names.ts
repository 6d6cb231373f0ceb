/**
 * Known header ids, canonical names and compact forms (RFC 3261 §7.3.3, §20). The id order mirrors
 * assembly/sip/headers.ts, which resolves names in the tokenizer; keep both in step.
 */
export const HEADER_NAMES: readonly string[] = [
  "", "Via", "From", "To", "Call-ID", "CSeq", "Contact", "Max-Forwards", "Route", "Record-Route",
  "Content-Type", "Content-Length", "Expires", "Allow", "Supported", "Require", "Unsupported",
  "Proxy-Require", "Authorization", "Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate",
  "RSeq", "RAck", "Event", "Subscription-State", "Refer-To", "Referred-By", "Replaces",
  "Session-Expires", "Min-SE", "Content-Encoding", "Subject", "Allow-Events", "Accept", "User-Agent",
  "Server", "Date", "Min-Expires", "Retry-After", "Timestamp", "Warning", "Accept-Contact",
  "Reject-Contact", "Request-Disposition", "Identity", "Identity-Info", "Accept-Encoding",
  "Accept-Language", "Content-Disposition", "Organization", "Priority", "Reply-To", "Path",
  "Service-Route", "P-Asserted-Identity", "Privacy", "Call-Info", "Alert-Info", "Error-Info",
  "In-Reply-To", "MIME-Version", "Content-Language",
];

/** Header ids used by the message model. */
export const H = {
  Unknown: 0,
  Via: 1,
  From: 2,
  To: 3,
  CallId: 4,
  CSeq: 5,
  Contact: 6,
  MaxForwards: 7,
  Route: 8,
  RecordRoute: 9,
  ContentType: 10,
  ContentLength: 11,
  Expires: 12,
  Allow: 13,
  Supported: 14,
  Require: 15,
  Unsupported: 16,
  ProxyRequire: 17,
  Authorization: 18,
  ProxyAuthorization: 19,
  WwwAuthenticate: 20,
  ProxyAuthenticate: 21,
  RSeq: 22,
  RAck: 23,
  Event: 24,
  SubscriptionState: 25,
  ReferTo: 26,
  ReferredBy: 27,
  Replaces: 28,
  SessionExpires: 29,
  MinSE: 30,
} as const;

/** Compact form letter -> id (RFC 3261 §7.3.3 and the extensions that define one). */
const COMPACT: Record<string, number> = {
  v: 1, f: 2, t: 3, i: 4, c: 10, m: 6, l: 11, s: 32, k: 14, e: 31, o: 24, r: 26, b: 27, u: 33, x: 29,
  a: 42, j: 43, d: 44, y: 45, n: 46,
};

const BY_NAME = new Map<string, number>();
for (let i = 1; i < HEADER_NAMES.length; i++) BY_NAME.set(HEADER_NAMES[i]!.toLowerCase(), i);
for (const k in COMPACT) BY_NAME.set(k, COMPACT[k]!);

/** Header id of a name (case-insensitive, compact forms resolved); 0 for an unknown header. */
export function headerId(name: string): number {
  return BY_NAME.get(name) ?? BY_NAME.get(name.toLowerCase()) ?? 0;
}

/** The canonical spelling of a known header name, or the name as given. */
export function canonicalName(name: string): string {
  const id = headerId(name);
  return id === 0 ? name : HEADER_NAMES[id]!;
}
