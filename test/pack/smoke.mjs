// The packaging test's program (test/pack/run.mjs): it runs in an empty project where only the packed
// tarball is installed, on Node, Bun and Deno. run.mjs rewrites its "siphon…" specifiers for Deno
// (npm:siphon…, and jsr:@siphon/siphon… for the JSR package) and passes every entry point of the
// package's "exports" as arguments. It prints one line, `SMOKE <json>`, that run.mjs judges: what each
// entry point exports and where it resolved, and the results of a SIP parse, an SRTP round trip,
// an Opus frame and an OPTIONS exchange between two UDP endpoints on 127.0.0.1.
import { createRequest, createResponse, parseMessage, serializeMessage } from "@siphon/siphon/sip";
import { createSrtpContext, SrtpAuthError } from "@siphon/siphon/srtp";
import { createOpusDecoder, createOpusEncoder } from "@siphon/siphon/codec";
import { createSipEndpoint } from "@siphon/siphon/driver";
import { loadRuntime } from "@siphon/siphon/runtimes";

/** The runtime's globals, read without the types of any one runtime. @type {any} */
const g = globalThis;
/** @type {string[]} */
const args = g.Deno?.args ?? g.process.argv.slice(2);
/** @type {Record<string, any>} */
const out = { runtime: g.Deno ? "deno" : g.Bun ? "bun" : "node", entries: {} };

// Every entry point by name: its runtime export names and the file it resolved to.
for (const specifier of args) {
  try {
    const module = await import(specifier);
    out.entries[specifier] = { url: import.meta.resolve(specifier), names: Object.keys(module).sort() };
  } catch (e) {
    out.entries[specifier] = { error: String(e) };
  }
}

/**
 * Runs one check; a throw becomes its `error`, so one failure does not hide the others.
 * @param {string} name
 * @param {() => unknown} f
 */
async function check(name, f) {
  try {
    out[name] = await f();
  } catch (e) {
    out[name] = { error: e instanceof Error ? (e.stack ?? String(e)) : String(e) };
  }
}

// RFC 3261 §11.1's OPTIONS request, parsed by the Wasm tokenizer, answered and parsed back.
await check("sip", () => {
  const request = parseMessage(
    "OPTIONS sip:carol@chicago.com SIP/2.0\r\n" +
      "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKhjhs8ass877\r\n" +
      "Max-Forwards: 70\r\n" +
      "To: <sip:carol@chicago.com>\r\n" +
      "From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n" +
      "Call-ID: a84b4c76e66710\r\n" +
      "CSeq: 63104 OPTIONS\r\n" +
      "Contact: <sip:alice@pc33.atlanta.com>\r\n" +
      "Accept: application/sdp\r\n" +
      "Content-Length: 0\r\n\r\n",
  );
  if (!request.isRequest) throw new Error("an OPTIONS request parsed as a response");
  const response = parseMessage(serializeMessage(createResponse(request, 200, "OK", { toTag: "93810874" })));
  if (response.isRequest) throw new Error("a 200 response parsed as a request");
  return {
    method: request.method,
    callId: request.callId,
    cseq: request.cseq.seq,
    fromTag: request.fromTag,
    branch: request.branch,
    response: `${response.status} ${response.reason} ${response.cseq.seq} ${response.cseq.method}`,
  };
});

// SRTP (RFC 3711) on the Wasm core: protect, unprotect with a second context, and a flipped bit refused.
await check("srtp", () => {
  const keys = { profile: /** @type {const} */ ("AES_CM_128_HMAC_SHA1_80"), masterKey: new Uint8Array(16).fill(1), masterSalt: new Uint8Array(14).fill(2) };
  const tx = createSrtpContext(keys);
  const rx = createSrtpContext(keys);
  const rtp = new Uint8Array([0x80, 0x00, 0x00, 0x01, 0, 0, 0, 160, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8]);
  const srtp = tx.protectRtp(rtp);
  const back = rx.unprotectRtp(srtp);
  const forged = srtp.slice();
  forged[12] ^= 1;
  let refused = "accepted";
  try {
    createSrtpContext(keys).unprotectRtp(forged);
  } catch (e) {
    refused = e instanceof SrtpAuthError ? `SrtpAuthError ${e.code}` : String(e);
  }
  tx.close();
  rx.close();
  const hex = (/** @type {Uint8Array} */ b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return { srtp: hex(srtp), roundTrip: hex(back) === hex(rtp), refused };
});

// libopus, the largest embedded module: one 20 ms frame of a 440 Hz tone through encoder and decoder.
await check("opus", () => {
  const encoder = createOpusEncoder({ sampleRate: 48000 });
  const decoder = createOpusDecoder({ sampleRate: 48000 });
  const pcm = Int16Array.from({ length: 960 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 48000)));
  const packet = encoder.encode(pcm);
  const decoded = decoder.decode(packet);
  encoder.close();
  decoder.close();
  return { packetBytes: packet.length > 0, samples: decoded.length };
});

// Two endpoints on the runtime's UDP sockets: OPTIONS from one, 200 OK from the other (RFC 3261 §11.2).
await check("udp", async () => {
  const runtime = await loadRuntime();
  const uas = await createSipEndpoint({
    runtime,
    listen: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
    transactions: true,
    transactionUser: {
      receiveRequest(request, transaction) {
        uas.respond(transaction, createResponse(request, 200, "OK", { toTag: "pack" }));
      },
    },
  });
  /** @type {(status: number) => void} */
  let answered = () => {};
  /** @type {Promise<number>} */
  const status = new Promise((resolve) => (answered = resolve));
  const uac = await createSipEndpoint({
    runtime,
    listen: [{ transport: "UDP", host: "127.0.0.1", port: 0 }],
    transactions: true,
    onTransactionEvent: (e) => {
      if (e.type === "response") answered(e.response.status);
    },
  });
  const port = uas.listeningPoints[0]?.local.port ?? 0;
  uac.request(
    createRequest({ method: "OPTIONS", uri: `sip:pack@127.0.0.1:${port}`, from: "<sip:smoke@127.0.0.1>;tag=1", to: "<sip:pack@127.0.0.1>", callId: "pack-1", cseq: 1 }),
    { transport: "UDP", host: "127.0.0.1", port },
  );
  // A bound on the wait, so a lost datagram ends the program instead of hanging it.
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {Promise<string>} */
  const gaveUp = new Promise((resolve) => (timer = setTimeout(() => resolve("no answer in 10 s"), 10_000)));
  const result = await Promise.race([status, gaveUp]);
  clearTimeout(timer);
  await uac.close();
  await uas.close();
  return { runtime: runtime.name, portBound: port > 0, status: result };
});

console.log(`SMOKE ${JSON.stringify(out)}`);
