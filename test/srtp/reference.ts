// A reference SRTP/SRTCP written directly from RFC 3711 / RFC 7714 on node:crypto (createCipheriv
// aes-*-ctr / aes-*-gcm, createHmac sha1), independent of the Wasm core, for differential tests.
import { createCipheriv, createDecipheriv, createHmac } from "node:crypto";
import type { SrtpProfileInfo } from "../../src/srtp/profiles.ts";

function ctr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const c = createCipheriv(key.length === 16 ? "aes-128-ctr" : "aes-256-ctr", key, iv);
  return new Uint8Array(c.update(data));
}

/** RFC 3711 §4.3.1 with kdr = 0: AES-CM keystream, IV = (salt XOR label << 48) << 16. */
export function refDerive(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, n: number): Uint8Array {
  const iv = new Uint8Array(16);
  iv.set(masterSalt);
  iv[7]! ^= label;
  return ctr(masterKey, iv, new Uint8Array(n));
}

/** RTP header length (fixed header, CSRCs, extension), or -1. */
export function refHeaderLen(p: Uint8Array): number {
  if (p.length < 12 || p[0]! >> 6 !== 2) return -1;
  let hl = 12 + 4 * (p[0]! & 15);
  if (p[0]! & 0x10) {
    if (hl + 4 > p.length) return -1;
    hl += 4 + 4 * ((p[hl + 2]! << 8) | p[hl + 3]!);
  }
  return hl <= p.length ? hl : -1;
}

const u32be = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

interface Keys {
  key: Uint8Array;
  salt: Uint8Array;
  auth: Uint8Array;
}

/** Reference SRTP context for one master key; the caller supplies the ROC / SRTCP index. */
export class RefSrtp {
  readonly rtp: Keys;
  readonly rtcp: Keys;
  constructor(
    readonly p: SrtpProfileInfo,
    masterKey: Uint8Array,
    masterSalt: Uint8Array,
  ) {
    const d = (label: number, n: number) => refDerive(masterKey, masterSalt, label, n);
    this.rtp = { key: d(0, p.keyLength), auth: d(1, 20), salt: d(2, p.saltLength) };
    this.rtcp = { key: d(3, p.keyLength), auth: d(4, 20), salt: d(5, p.saltLength) };
  }

  private cmIv(k: Keys, ssrc: number, indexHi: number, indexLo: number): Uint8Array {
    // IV = (salt << 16) ^ (SSRC << 64) ^ (index << 16); index bytes 8..13 = indexHi (4 bytes) indexLo (2 bytes)
    const iv = new Uint8Array(16);
    iv.set(k.salt);
    const x = cat(new Uint8Array(4), u32be(ssrc), u32be(indexHi), Uint8Array.of(indexLo >> 8, indexLo & 255), new Uint8Array(2));
    for (let i = 0; i < 16; i++) iv[i]! ^= x[i]!;
    return iv;
  }

  private gcmIv(k: Keys, ssrc: number, a: number, b: number): Uint8Array {
    // RFC 7714 §8.1 / §9.1: 00 00 || SSRC || 4 bytes || 2 bytes, XOR salt.
    const x = cat(new Uint8Array(2), u32be(ssrc), u32be(a), Uint8Array.of(b >> 8, b & 255));
    return x.map((v, i) => v ^ k.salt[i]!);
  }

  protectRtp(pkt: Uint8Array, roc: number): Uint8Array {
    const hl = refHeaderLen(pkt);
    const ssrc = new DataView(pkt.buffer, pkt.byteOffset).getUint32(8);
    const seq = (pkt[2]! << 8) | pkt[3]!;
    const hdr = pkt.subarray(0, hl);
    const body = pkt.subarray(hl);
    if (this.p.aead) {
      const iv = this.gcmIv(this.rtp, ssrc, roc, seq);
      const c = createCipheriv(this.p.keyLength === 16 ? "aes-128-gcm" : "aes-256-gcm", this.rtp.key, iv);
      c.setAAD(hdr);
      const ct = cat(new Uint8Array(c.update(body)), new Uint8Array(c.final()));
      return cat(hdr, ct, new Uint8Array(c.getAuthTag()));
    }
    const ct = ctr(this.rtp.key, this.cmIv(this.rtp, ssrc, roc, seq), body);
    const auth = cat(hdr, ct);
    const tag = createHmac("sha1", this.rtp.auth).update(cat(auth, u32be(roc))).digest();
    return cat(auth, new Uint8Array(tag.subarray(0, this.p.rtpTagLength)));
  }

  unprotectRtp(pkt: Uint8Array, roc: number): Uint8Array | null {
    const t = this.p.rtpTagLength;
    const auth = pkt.subarray(0, pkt.length - t);
    const tag = pkt.subarray(pkt.length - t);
    const hl = refHeaderLen(auth);
    if (hl < 0) return null;
    const ssrc = new DataView(pkt.buffer, pkt.byteOffset).getUint32(8);
    const seq = (pkt[2]! << 8) | pkt[3]!;
    if (this.p.aead) {
      const iv = this.gcmIv(this.rtp, ssrc, roc, seq);
      const d = createDecipheriv(this.p.keyLength === 16 ? "aes-128-gcm" : "aes-256-gcm", this.rtp.key, iv);
      d.setAAD(auth.subarray(0, hl));
      d.setAuthTag(tag);
      try {
        const pt = cat(new Uint8Array(d.update(auth.subarray(hl))), new Uint8Array(d.final()));
        return cat(auth.subarray(0, hl), pt);
      } catch {
        return null;
      }
    }
    const want = createHmac("sha1", this.rtp.auth).update(cat(auth, u32be(roc))).digest().subarray(0, t);
    if (!eq(new Uint8Array(want), tag)) return null;
    return cat(auth.subarray(0, hl), ctr(this.rtp.key, this.cmIv(this.rtp, ssrc, roc, seq), auth.subarray(hl)));
  }

  protectRtcp(pkt: Uint8Array, index: number): Uint8Array {
    const ssrc = new DataView(pkt.buffer, pkt.byteOffset).getUint32(4);
    const eidx = u32be((index | 0x80000000) >>> 0);
    const hdr = pkt.subarray(0, 8);
    if (this.p.aead) {
      const iv = this.gcmIv(this.rtcp, ssrc, index >>> 16, index & 0xffff);
      const c = createCipheriv(this.p.keyLength === 16 ? "aes-128-gcm" : "aes-256-gcm", this.rtcp.key, iv);
      c.setAAD(cat(hdr, eidx));
      const ct = cat(new Uint8Array(c.update(pkt.subarray(8))), new Uint8Array(c.final()));
      return cat(hdr, ct, new Uint8Array(c.getAuthTag()), eidx);
    }
    const ct = ctr(this.rtcp.key, this.cmIv(this.rtcp, ssrc, index >>> 16, index & 0xffff), pkt.subarray(8));
    const auth = cat(hdr, ct, eidx);
    const tag = createHmac("sha1", this.rtcp.auth).update(auth).digest().subarray(0, this.p.rtcpTagLength);
    return cat(auth, new Uint8Array(tag));
  }

  unprotectRtcp(pkt: Uint8Array): Uint8Array | null {
    const t = this.p.rtcpTagLength;
    if (pkt.length < 8 + 4 + t) return null;
    const ssrc = new DataView(pkt.buffer, pkt.byteOffset).getUint32(4);
    if (this.p.aead) {
      const eidx = pkt.subarray(pkt.length - 4);
      const e = eidx[0]! >> 7;
      const index = new DataView(eidx.buffer, eidx.byteOffset).getUint32(0) & 0x7fffffff;
      const body = pkt.subarray(0, pkt.length - 4 - t);
      const tag = pkt.subarray(pkt.length - 4 - t, pkt.length - 4);
      const iv = this.gcmIv(this.rtcp, ssrc, index >>> 16, index & 0xffff);
      const d = createDecipheriv(this.p.keyLength === 16 ? "aes-128-gcm" : "aes-256-gcm", this.rtcp.key, iv);
      d.setAAD(e ? cat(body.subarray(0, 8), eidx) : cat(body, eidx));
      d.setAuthTag(tag);
      try {
        const pt = e ? cat(new Uint8Array(d.update(body.subarray(8))), new Uint8Array(d.final())) : (d.final(), new Uint8Array(0));
        return e ? cat(body.subarray(0, 8), pt) : body.slice();
      } catch {
        return null;
      }
    }
    const auth = pkt.subarray(0, pkt.length - t);
    const tag = pkt.subarray(pkt.length - t);
    const want = createHmac("sha1", this.rtcp.auth).update(auth).digest().subarray(0, t);
    if (!eq(new Uint8Array(want), tag)) return null;
    const eidx = auth.subarray(auth.length - 4);
    const index = new DataView(eidx.buffer, eidx.byteOffset).getUint32(0) & 0x7fffffff;
    const body = auth.subarray(0, auth.length - 4);
    if (!(eidx[0]! >> 7)) return body.slice();
    return cat(body.subarray(0, 8), ctr(this.rtcp.key, this.cmIv(this.rtcp, ssrc, index >>> 16, index & 0xffff), body.subarray(8)));
  }
}
