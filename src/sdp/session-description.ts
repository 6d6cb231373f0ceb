import type { SdpDirection } from "./direction.ts";
import type { SdpOrigin, SdpTiming } from "./fields.ts";
import { formatSdp } from "./format.ts";
import { readGroup } from "./grouping.ts";
import type { SdpGroup } from "./grouping.ts";
import type { MediaDescription } from "./media-description.ts";
import { SdpSection } from "./section.ts";

/**
 * A session description (RFC 8866 §5): the session section and its media sections.
 *
 * ```
 * v=0                                    version
 * o=<user> <id> <version> IN IP4 <addr>  origin
 * s=<session name>                       session name
 * i= u= e=* p=* c= b=*                   optional
 * t=<start> <stop>  r=*                  one or more time descriptions
 * z= k= a=*                              optional
 * m=...  i= c= b=* k= a=*                zero or more media descriptions
 * ```
 *
 * Parsed with `parseSdp`/`tryParseSdp`, printed with `toString()` (or `formatSdp`). Fields are plain
 * and mutable; attributes are a list of name/value pairs read through typed accessors.
 */
export class SessionDescription extends SdpSection {
  /** v= (always 0, RFC 8866 §5.1). */
  version = 0;
  /** o= (RFC 8866 §5.2). */
  origin: SdpOrigin;
  /** s= as written; RFC 8866 §5.3 recommends a single space or `-` when there is no name. */
  sessionName: string;
  /** u= (RFC 8866 §5.5). */
  uri: string | undefined = undefined;
  /** e= lines (RFC 8866 §5.6). */
  emails: string[] = [];
  /** p= lines (RFC 8866 §5.6). */
  phones: string[] = [];
  /** t= lines with their r= lines (RFC 8866 §5.9, §5.10). */
  timings: SdpTiming[] = [];
  /** z= as text (RFC 8866 §5.11). */
  timeZones: string | undefined = undefined;
  /** The media sections in order. */
  media: MediaDescription[] = [];

  constructor(origin: SdpOrigin, sessionName = "-") {
    super();
    this.origin = origin;
    this.sessionName = sessionName;
  }

  /** a=group lines (RFC 5888 §5; BUNDLE, RFC 9143). */
  groups(): SdpGroup[] {
    return this.typedAttributes("group", readGroup);
  }

  /**
   * The direction that applies to `media` (RFC 8866 §6.7): its own attribute, else the session's,
   * else sendrecv.
   */
  directionOf(media: MediaDescription): SdpDirection {
    return media.direction ?? this.direction ?? "sendrecv";
  }

  /** The c= that applies to `media`: its own, else the session's (RFC 8866 §5.7). */
  connectionOf(media: MediaDescription): SessionDescription["connection"] {
    return media.connection ?? this.connection;
  }

  /** A deep copy. */
  clone(): SessionDescription {
    const s = new SessionDescription({ ...this.origin }, this.sessionName);
    s.version = this.version;
    s.information = this.information;
    s.uri = this.uri;
    s.emails = [...this.emails];
    s.phones = [...this.phones];
    s.connection = this.connection && { ...this.connection };
    s.bandwidths = this.bandwidths.map((b) => ({ ...b }));
    s.timings = this.timings.map((t) => ({ start: t.start, stop: t.stop, repeats: [...t.repeats] }));
    s.timeZones = this.timeZones;
    s.key = this.key;
    s.attributes = this.attributes.map((a) => ({ ...a }));
    s.extraLines = this.extraLines.map((l) => ({ ...l }));
    s.media = this.media.map((m) => m.clone());
    return s;
  }

  /** The description as SDP text (CRLF line ends). */
  override toString(): string {
    return formatSdp(this);
  }

  /** A plain object of the fields. */
  toJSON(): object {
    return {
      version: this.version, origin: this.origin, sessionName: this.sessionName, information: this.information,
      uri: this.uri, emails: this.emails, phones: this.phones, connection: this.connection,
      bandwidths: this.bandwidths, timings: this.timings, timeZones: this.timeZones, key: this.key,
      attributes: this.attributes, extraLines: this.extraLines, media: this.media.map((m) => m.toJSON()),
    };
  }
}
