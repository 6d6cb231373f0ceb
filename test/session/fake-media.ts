// A media handler for the session tests: it makes and checks SDP-like bodies without parsing SDP.
//
//   v=fake
//   o=<owner> <version>
//   a=<direction>
//   m=audio <codec>,<codec>...
//
// Offers carry our codecs; an answer keeps the codecs both sides have (none in common is a 488 with
// Warning 305), and answers the offered direction per RFC 3264 §6.1. A body without `v=fake` is
// "broken SDP": a failure with Warning 399.
import type {
  MediaContext,
  MediaDirection,
  MediaFailure,
  MediaHandler,
  MediaHandlerFactory,
  OfferOptions,
  SessionBody,
} from "../../src/session/index.ts";

export interface FakeDescription {
  owner: string;
  version: number;
  direction: MediaDirection;
  codecs: string[];
}

export function formatFake(d: FakeDescription): string {
  return `v=fake\r\no=${d.owner} ${d.version}\r\na=${d.direction}\r\nm=audio ${d.codecs.join(",")}\r\n`;
}

export function parseFake(body: string | Uint8Array): FakeDescription | undefined {
  const text = typeof body === "string" ? body : new TextDecoder().decode(body);
  const lines = text.split("\r\n");
  if (lines[0] !== "v=fake") return undefined;
  const o = /^o=(\S+) (\d+)$/.exec(lines[1] ?? "");
  const a = /^a=(sendrecv|sendonly|recvonly|inactive)$/.exec(lines[2] ?? "");
  const m = /^m=audio (.*)$/.exec(lines[3] ?? "");
  if (!o || !a || !m) return undefined;
  return { owner: o[1]!, version: Number(o[2]), direction: a[1] as MediaDirection, codecs: m[1] === "" ? [] : m[1]!.split(",") };
}

/** RFC 3264 §6.1: the answer's direction for an offered one, given what we want to do. */
function answerDirection(offered: MediaDirection, want: MediaDirection): MediaDirection {
  const weSend = want === "sendrecv" || want === "sendonly";
  const weRecv = want === "sendrecv" || want === "recvonly";
  const theySend = offered === "sendrecv" || offered === "sendonly";
  const theyRecv = offered === "sendrecv" || offered === "recvonly";
  const send = weSend && theyRecv;
  const recv = weRecv && theySend;
  return send && recv ? "sendrecv" : send ? "sendonly" : recv ? "recvonly" : "inactive";
}

export class FakeMedia implements MediaHandler {
  /** Every call, in order, for assertions. */
  readonly log: string[] = [];
  /** The negotiated local and remote descriptions (undefined until the first exchange completes). */
  local: FakeDescription | undefined;
  remote: FakeDescription | undefined;
  pending: FakeDescription | undefined;
  version = 0;
  closed = false;
  /** The direction we want when not told otherwise. */
  want: MediaDirection = "sendrecv";

  constructor(
    readonly owner: string,
    readonly codecs: string[] = ["PCMU", "PCMA"],
  ) {}

  get remoteHold(): boolean {
    const d = this.remote?.direction;
    return d === "sendonly" || d === "inactive";
  }

  /** The direction negotiated for our side (the answer's or the accepted offer's). */
  get direction(): MediaDirection | undefined {
    return this.local?.direction;
  }

  createOffer(options: OfferOptions): SessionBody {
    if (options.direction !== undefined) this.want = options.direction;
    const d: FakeDescription = { owner: this.owner, version: ++this.version, direction: this.want, codecs: this.codecs };
    this.pending = d;
    this.log.push(`offer ${d.direction}`);
    return { contentType: "application/sdp", body: formatFake(d) };
  }

  receiveOffer(offer: SessionBody): SessionBody | MediaFailure {
    const d = parseFake(offer.body);
    if (d === undefined) {
      this.log.push("offer refused: broken");
      return { ok: false, status: 488, warning: { code: 399, text: "malformed session description" }, reason: "broken SDP" };
    }
    const common = this.codecs.filter((c) => d.codecs.includes(c));
    if (common.length === 0) {
      this.log.push("offer refused: no codec");
      return { ok: false, status: 488, warning: { code: 305, text: "Incompatible media format" }, reason: "no common codec" };
    }
    const local: FakeDescription = { owner: this.owner, version: ++this.version, direction: answerDirection(d.direction, this.want), codecs: common };
    this.remote = d;
    this.local = local;
    this.pending = undefined;
    this.log.push(`answer ${local.direction}`);
    return { contentType: "application/sdp", body: formatFake(local) };
  }

  receiveAnswer(answer: SessionBody): true | MediaFailure {
    const d = parseFake(answer.body);
    if (d === undefined || this.pending === undefined) {
      this.log.push("answer refused");
      return { ok: false, reason: d === undefined ? "broken SDP" : "no offer outstanding" };
    }
    this.remote = d;
    this.local = this.pending;
    this.log.push(`answered ${d.direction}`);
    return true;
  }

  rollback(): void {
    this.pending = undefined;
    // The direction we want goes back to what was last negotiated.
    if (this.local !== undefined) this.want = this.local.direction === "recvonly" ? "sendrecv" : this.local.direction;
    this.log.push("rollback");
  }

  close(): void {
    this.closed = true;
    this.log.push("close");
  }
}

/** A factory that keeps every handler it made, by Call-ID, in order. */
export function fakeMediaFactory(owner: string, codecs?: string[]): MediaHandlerFactory & { made: FakeMedia[] } {
  const made: FakeMedia[] = [];
  const factory = (context: MediaContext): FakeMedia => {
    const m = new FakeMedia(owner, codecs);
    // A fork's handler takes the answers to the offer its original made (forking: "all").
    const original = context.forkOf;
    if (original instanceof FakeMedia) {
      m.pending = original.pending ?? original.local;
      m.version = original.version;
    }
    made.push(m);
    return m;
  };
  const f = Object.assign(factory, { made });
  return f;
}
