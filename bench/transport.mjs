// Transport throughput on loopback, per runtime.
//
//   raw UDP echo            the runtime adapter's UDP sockets alone (runtimes/<rt>: node:dgram on Node
//                           and Deno, Bun.udpSocket on Bun), 500-byte datagrams: the ceiling
//   siphon UDP round trip   two createSipEndpoint()s (src/driver, no transaction layer): OPTIONS out,
//                           parsed, received/rport stamped, 200 built, routed per RFC 3261 §18.2.2,
//                           parsed and sent-by checked on the way back; one "op" = 2 SIP messages
//   siphon TCP round trip   the same over one TCP connection (framing by Content-Length)
//
// WINDOW requests in flight. Run: node bench/transport.mjs | npx deno run -A bench/transport.mjs |
// npx bun bench/transport.mjs   (after npm run build)
import { loadRuntime } from "../dist/runtimes/index.js";
import { createSipEndpoint } from "../dist/src/driver/index.js";
import { createRequest, createResponse } from "../dist/src/sip/index.js";

const WINDOW = Number(globalThis.process?.env?.WINDOW ?? 32);
const SECONDS = Number(globalThis.process?.env?.SECONDS ?? 2);
const rt = await loadRuntime();

async function rawUdpEcho() {
  const server = await rt.udpBind({ host: "127.0.0.1", port: 0 }, {
    onMessage: (d, from) => server.send(d, from.host, from.port),
  });
  const payload = new Uint8Array(500);
  let count = 0;
  let stop = false;
  let done;
  const finished = new Promise((r) => (done = r));
  let inflight = 0;
  const client = await rt.udpBind({ host: "127.0.0.1", port: 0 }, {
    onMessage: () => {
      count++;
      if (stop) {
        if (--inflight === 0) done();
        return;
      }
      client.send(payload, "127.0.0.1", server.local.port);
    },
  });
  const t0 = performance.now();
  for (let i = 0; i < WINDOW; i++, inflight++) client.send(payload, "127.0.0.1", server.local.port);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  stop = true;
  const elapsed = performance.now() - t0;
  const measured = count;
  await Promise.race([finished, new Promise((r) => setTimeout(r, 500))]);
  client.close();
  server.close();
  return (measured / elapsed) * 1000;
}

let seq = 0;
function options(port, transport) {
  const n = ++seq;
  return createRequest({
    method: "OPTIONS",
    uri: `sip:bob@127.0.0.1:${port}`,
    from: `<sip:alice@127.0.0.1>;tag=a${n}`,
    to: "<sip:bob@127.0.0.1>",
    callId: `tb-${n}@127.0.0.1`,
    cseq: 1,
    via: `SIP/2.0/${transport} 127.0.0.1;branch=z9hG4bKtb${n}`,
  });
}

async function siphonRoundTrip(transport) {
  const server = await createSipEndpoint({
    runtime: rt,
    listen: [{ transport, host: "127.0.0.1", port: 0 }],
    transportUser: {
      receiveMessage(m, flow) {
        if (m.isRequest) server.send(createResponse(m, 200, "OK", { toTag: "s" }), flow);
      },
    },
  });
  const port = server.listeningPoints[0].local.port;
  let count = 0;
  let stop = false;
  const client = await createSipEndpoint({
    runtime: rt,
    listen: [{ transport, host: "127.0.0.1", port: 0 }],
    transportUser: {
      receiveMessage(m) {
        if (m.isRequest) return;
        count++;
        if (!stop) send();
      },
    },
  });
  const target = { transport, host: "127.0.0.1", port };
  const send = () => {
    const req = options(port, transport);
    client.send(req, client.prepareRequest(req, target));
  };
  const t0 = performance.now();
  for (let i = 0; i < WINDOW; i++) send();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  stop = true;
  const elapsed = performance.now() - t0;
  const measured = count;
  await new Promise((r) => setTimeout(r, 200));
  await client.close();
  await server.close();
  return (measured / elapsed) * 1000;
}

const raw = await rawUdpEcho();
const udp = await siphonRoundTrip("UDP");
const tcp = await siphonRoundTrip("TCP");
const fmt = (n) => Math.round(n).toLocaleString("en-US").padStart(10);
console.log(`transport loopback on ${rt.name} (window ${WINDOW}, ${SECONDS} s each)`);
console.log("case                              ops/s   vs raw UDP echo");
console.log(`raw UDP echo (500 B)         ${fmt(raw)}   1.00`);
console.log(`siphon UDP OPTIONS/200       ${fmt(udp)}   ${(udp / raw).toFixed(2)}`);
console.log(`siphon TCP OPTIONS/200       ${fmt(tcp)}   ${(tcp / raw).toFixed(2)}`);
globalThis.process?.exit?.(0);
