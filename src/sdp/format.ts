import { formatBandwidth, formatConnection, formatOrigin } from "./fields.ts";
import type { MediaDescription } from "./media-description.ts";
import type { SdpAttribute, SdpExtraLine, SdpSection } from "./section.ts";
import type { SessionDescription } from "./session-description.ts";

/**
 * Writes lines in the order of RFC 8866 §5 and puts each kept-verbatim line back after the number of
 * known lines it followed, so a canonical description round-trips byte for byte.
 */
class Writer {
  out = "";
  private extras: SdpExtraLine[] = [];
  private next = 0;
  private known = 0;

  begin(section: SdpSection): void {
    this.extras = section.extraLines;
    this.next = 0;
    this.known = 0;
  }

  line(type: string, value: string): void {
    if (this.next < this.extras.length) this.flush(this.known);
    this.out += `${type}=${value}\r\n`;
    this.known++;
  }

  attributes(attrs: readonly SdpAttribute[]): void {
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i]!;
      this.line("a", a.value === undefined ? a.name : `${a.name}:${a.value}`);
    }
  }

  end(): void {
    this.flush(Infinity);
  }

  private flush(upTo: number): void {
    const x = this.extras;
    while (this.next < x.length && x[this.next]!.at <= upTo) {
      const l = x[this.next++]!;
      this.out += `${l.type}=${l.value}\r\n`;
    }
  }
}

function writeMedia(w: Writer, m: MediaDescription): void {
  w.begin(m);
  const port = m.portCount === undefined ? `${m.port}` : `${m.port}/${m.portCount}`;
  w.line("m", m.formats.length ? `${m.type} ${port} ${m.protocol} ${m.formats.join(" ")}` : `${m.type} ${port} ${m.protocol}`);
  if (m.information !== undefined) w.line("i", m.information);
  if (m.connection) w.line("c", formatConnection(m.connection));
  for (const b of m.bandwidths) w.line("b", formatBandwidth(b));
  if (m.key !== undefined) w.line("k", m.key);
  w.attributes(m.attributes);
  w.end();
}

/** The description as SDP text, every line ended by CRLF (RFC 8866 §5). */
export function formatSdp(sdp: SessionDescription): string {
  const w = new Writer();
  w.begin(sdp);
  w.line("v", `${sdp.version}`);
  w.line("o", formatOrigin(sdp.origin));
  w.line("s", sdp.sessionName);
  if (sdp.information !== undefined) w.line("i", sdp.information);
  if (sdp.uri !== undefined) w.line("u", sdp.uri);
  for (const e of sdp.emails) w.line("e", e);
  for (const p of sdp.phones) w.line("p", p);
  if (sdp.connection) w.line("c", formatConnection(sdp.connection));
  for (const b of sdp.bandwidths) w.line("b", formatBandwidth(b));
  for (const t of sdp.timings) {
    w.line("t", `${t.start} ${t.stop}`);
    for (const r of t.repeats) w.line("r", r);
  }
  if (sdp.timeZones !== undefined) w.line("z", sdp.timeZones);
  if (sdp.key !== undefined) w.line("k", sdp.key);
  w.attributes(sdp.attributes);
  w.end();
  for (const m of sdp.media) writeMedia(w, m);
  return w.out;
}

/** One media section as SDP text. */
export function formatSdpMedia(media: MediaDescription): string {
  const w = new Writer();
  writeMedia(w, media);
  return w.out;
}
