// SIP header-value parsing throughput: siphon's value parsers (src/sip/uri.ts, name-addr.ts, via.ts,
// header-values.ts, auth-value.ts) against the value parsers of the npm SIP stacks, one typical value per case.
//
// Every library does the same job per case: text in, a structured value out.
//   siphon          parseUri / parseFromTo / parseVia / parseCSeq / parseContactList / parseAuth
//   sip             sip.parseUri; parseAOR + parseUri for From (its Via/CSeq/auth parsers are private)
//   drachtio-srf    its regex parsers (getParser(name)({ s, i: 0 })); parseUri on the address for From
//                   and Contact so the URI is parsed too
//   jssip           Grammar.parse(value, rule) (PEG.js 0.7 grammar)
//   sip.js          Grammar.parse(value, rule) (the same grammar lineage, newer PEG.js)
// Peers are lenient regex or PEG parsers; siphon validates the full RFC 3261 §25.1 grammar.
//
// Run `npm run build` first, then: node bench/sip-values.mjs   (SECONDS=<n> per case, default 0.5)
// Also runs as `npx deno run -A bench/sip-values.mjs` and `npx bun bench/sip-values.mjs`.
import { createRequire } from "node:module";
import { parseAuth, parseContactList, parseCSeq, parseFromTo, parseUri, parseVia } from "../dist/src/sip/index.js";
import { opsPerSecond, runtime } from "./lib.mjs";

const require = createRequire(import.meta.url);
const SECONDS = Number(globalThis.process?.env?.SECONDS ?? 0.5);

const sip = require("sip");
const drachtio = require("drachtio-srf/lib/sip-parser/parser.js");
const jssip = require("jssip/lib/Grammar.js");
const { Grammar: sipjs } = await import("sip.js/lib/grammar/grammar.js");

const values = {
  uri: "sip:alice@atlanta.example.com:5060;transport=tcp",
  from: '"Alice Liddell" <sip:alice@atlanta.example.com>;tag=1928301774',
  via: "SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport;received=192.0.2.1",
  cseq: "314159 INVITE",
  contact: "<sip:alice@192.0.2.1:5060;transport=udp>;expires=3600;q=0.7",
  auth: 'Digest username="alice", realm="atlanta.example.com", nonce="84a4cc6f3082121f32b42a2187831a9e", uri="sip:bob@biloxi.example.com", response="7587245234b3434cc3412213e5f113a5", algorithm=MD5, qop=auth, nc=00000001, cnonce="0a4f113b"',
};

const dr = (name) => drachtio.getParser(name);
const cases = {
  "URI (sip:)": {
    siphon: () => parseUri(values.uri),
    sip: () => sip.parseUri(values.uri),
    "drachtio-srf": () => drachtio.parseUri(values.uri),
    jssip: () => jssip.parse(values.uri, "SIP_URI"),
    "sip.js": () => sipjs.parse(values.uri, "SIP_URI"),
  },
  "From (name-addr + tag)": {
    siphon: () => parseFromTo(values.from),
    sip: () => {
      const a = sip.parseAOR({ s: values.from, i: 0 });
      a.uri = sip.parseUri(a.uri);
      return a;
    },
    "drachtio-srf": () => {
      const a = dr("from")({ s: values.from, i: 0 });
      a.uri = drachtio.parseUri(a.uri);
      return a;
    },
    jssip: () => jssip.parse(values.from, "From"),
    "sip.js": () => sipjs.parse(values.from, "From"),
  },
  Via: {
    siphon: () => parseVia(values.via),
    "drachtio-srf": () => dr("via")({ s: values.via, i: 0 }),
    jssip: () => jssip.parse(values.via, "Via"),
    "sip.js": () => sipjs.parse(values.via, "Via"),
  },
  CSeq: {
    siphon: () => parseCSeq(values.cseq),
    "drachtio-srf": () => dr("cseq")({ s: values.cseq, i: 0 }),
    jssip: () => jssip.parse(values.cseq, "CSeq"),
    "sip.js": () => sipjs.parse(values.cseq, "CSeq"),
  },
  "Contact (expires, q)": {
    siphon: () => parseContactList(values.contact),
    "drachtio-srf": () => {
      const list = dr("contact")({ s: values.contact, i: 0 });
      for (const c of list) c.uri = drachtio.parseUri(c.uri);
      return list;
    },
    jssip: () => jssip.parse(values.contact, "Contact"),
    "sip.js": () => sipjs.parse(values.contact, "Contact"),
  },
  "Authorization (Digest)": {
    siphon: () => parseAuth(values.auth),
    "drachtio-srf": () => dr("authorization")({ s: values.auth, i: 0 }),
  },
};

console.log(`SIP value parsers on ${runtime} (${SECONDS}s per row)\n`);
console.log(`${"case".padEnd(24)} ${"library".padEnd(14)} ${"ops/s".padStart(12)}  siphon ÷ peer`);
for (const [name, libs] of Object.entries(cases)) {
  let siphonOps = 0;
  for (const [lib, fn] of Object.entries(libs)) {
    const r = fn();
    if (r === undefined || r === -1) throw new Error(`${lib} did not parse the ${name} value`);
    const ops = opsPerSecond(fn, { seconds: SECONDS, batch: 500 });
    if (lib === "siphon") siphonOps = ops;
    const ratio = lib === "siphon" ? "" : `${(siphonOps / ops).toFixed(2)}x`;
    console.log(`${name.padEnd(24)} ${lib.padEnd(14)} ${Math.round(ops).toLocaleString("en-US").padStart(12)}  ${ratio}`);
  }
}
