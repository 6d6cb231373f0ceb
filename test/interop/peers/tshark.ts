/**
 * tshark (Debian's package) for the interop tests: a capture on the loopback interface started and
 * stopped by its PID, and a check of the capture — how many SIP, RTP, RTCP (and SRTP/SRTCP) frames
 * Wireshark's dissectors recognise, and how many they find malformed or flag with an error.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { stopProcess } from "./process.ts";

/** A running capture. */
export interface Capture {
  readonly file: string;
  stop(): Promise<void>;
}

/** Captures on `lo` what `filter` (a capture filter) lets through, into `file` (pcap). */
export async function startCapture(file: string, filter: string): Promise<Capture> {
  let log = "";
  const child: ChildProcess = spawn("tshark", ["-n", "-i", "lo", "-f", filter, "-F", "pcap", "-w", file, "-q"], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  for (let i = 0; i < 100 && !log.includes("Capturing on"); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!log.includes("Capturing on")) {
    child.kill("SIGKILL");
    throw new Error(`tshark did not start: ${log}`);
  }
  // The capture filter is compiled by now; give the kernel a moment to attach it.
  await new Promise((r) => setTimeout(r, 300));
  return {
    file,
    stop: () => stopProcess(child, 5000),
  };
}

/** What the dissectors made of a capture. */
export interface CaptureCheck {
  readonly frames: number;
  readonly sip: number;
  /** SIP frames over TCP. */
  readonly sipTcp: number;
  readonly rtp: number;
  /** RTCP, SRTCP included. */
  readonly rtcp: number;
  /** RTP frames with an SRTP authentication tag. */
  readonly srtp: number;
  readonly srtcp: number;
  readonly malformed: number;
  readonly expertErrors: number;
  /** The frames in trouble, for the failure message. */
  readonly problems: string;
  /**
   * The SIP messages in order, one line each: `METHOD` of a request or `STATUS METHOD` of a
   * response (the CSeq's), e.g. `["REGISTER", "401 REGISTER", "REGISTER", "200 REGISTER"]`.
   */
  readonly ladder: readonly string[];
  /**
   * The SIP messages carrying SDP, in order, each as its ladder line and the direction its audio
   * offers or accepts (RFC 3264 §6.1; sendrecv when no attribute says), e.g. `INVITE sendonly`.
   */
  readonly sdp: readonly string[];
}

/**
 * Reads `file` with SIP decoded on `sipPort` (UDP and TCP; one port or several) and RTP on the even
 * ports of `rtpPorts`, RTCP on the odd ones (RFC 3550 §11 pairs); RTP that SDP announces is found by
 * Wireshark itself too.
 */
export function checkCapture(file: string, o: { sipPort: number | readonly number[]; rtpPorts: readonly number[] }): CaptureCheck {
  if (!existsSync(file)) throw new Error(`no capture ${file}`);
  const decode: string[] = [];
  for (const p of typeof o.sipPort === "number" ? [o.sipPort] : o.sipPort) decode.push("-d", `udp.port==${p},sip`, "-d", `tcp.port==${p},sip`);
  for (const p of o.rtpPorts) decode.push("-d", `udp.port==${p},${p % 2 === 0 ? "rtp" : "rtcp"}`);
  const count = (filter: string) => {
    const r = spawnSync("tshark", ["-n", "-r", file, ...decode, "-Y", filter, "-T", "fields", "-e", "frame.number"], { encoding: "utf8", maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`tshark -Y ${filter}: ${r.stderr}`);
    return r.stdout.split("\n").filter((l) => l.trim() !== "").length;
  };
  const bad = "_ws.malformed or _ws.expert.severity == 0x800000";
  const problems = spawnSync("tshark", ["-n", "-r", file, ...decode, "-Y", bad, "-T", "fields", "-e", "frame.number", "-e", "frame.protocols", "-e", "_ws.expert.message"], { encoding: "utf8" }).stdout;
  const sip = spawnSync("tshark", ["-n", "-r", file, ...decode, "-Y", "sip", "-T", "fields", "-E", "separator=|", "-E", "occurrence=f", "-e", "sip.Method", "-e", "sip.Status-Code", "-e", "sip.CSeq.method"], { encoding: "utf8", maxBuffer: 64 << 20 }).stdout;
  // One TCP segment may carry several messages: tshark lists each field once per frame then
  // (occurrence=f), so such a frame counts as one line.
  const ladder = sip.split("\n").filter((l) => l.trim() !== "").map((l) => {
    const [method, status, cseq] = l.split("|");
    return method ? method : `${status} ${cseq}`;
  });
  const withSdp = spawnSync("tshark", ["-n", "-r", file, ...decode, "-Y", "sip and sdp", "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,", "-e", "sip.Method", "-e", "sip.Status-Code", "-e", "sip.CSeq.method", "-e", "sdp.media_attr"], { encoding: "utf8", maxBuffer: 64 << 20 }).stdout;
  const sdp = withSdp.split("\n").filter((l) => l.trim() !== "").map((l) => {
    const [method, status, cseq, attrs] = l.split("|");
    const direction = (attrs ?? "").split(",").find((a) => /^(sendrecv|sendonly|recvonly|inactive)$/.test(a)) ?? "sendrecv";
    return `${method ? method : `${status} ${cseq}`} ${direction}`;
  });
  return {
    ladder,
    sdp,
    frames: count("frame"),
    sip: count("sip"),
    sipTcp: count("sip and tcp"),
    rtp: count("rtp"),
    rtcp: count("rtcp or srtcp"),
    srtp: count("srtp.auth_tag"),
    srtcp: count("srtcp"),
    malformed: count("_ws.malformed"),
    expertErrors: count("_ws.expert.severity == 0x800000"),
    problems: problems.split("\n").slice(0, 20).join("\n"),
  };
}
