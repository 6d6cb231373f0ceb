// AES encryption (FIPS 197) with 32-bit T-tables. Only the forward cipher is needed: SRTP uses AES in
// counter mode (RFC 3711 §4.1.1) and GCM (RFC 7714), both of which only encrypt.
//
// Not cache-timing safe: the table lookups depend on key and data. A bitsliced AES would remove that
// side channel at several times the cost; when the runtime offers native AES (AES-NI through OpenSSL),
// the context can use it instead (src/srtp, `crypto` option).

const SBOX: usize = memory.data(256, 16);
const TE0: usize = memory.data(1024, 16);
const TE1: usize = memory.data(1024, 16);
const TE2: usize = memory.data(1024, 16);
const TE3: usize = memory.data(1024, 16);

@inline function xtime(x: u32): u32 {
  return ((x << 1) ^ (((x >> 7) & 1) * 0x1b)) & 0xff;
}

// The S-box is computed from its definition (multiplicative inverse in GF(2^8), then the affine map)
// at start-up rather than stored as a literal.
function initTables(): void {
  // Walk the field with generator 3: p runs over 3^i, q over 3^-i, so q = p^-1 at every step.
  let p: u32 = 1;
  let q: u32 = 1;
  do {
    p = p ^ xtime(p); // p * 3
    q ^= q << 1; // q / 3
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    const x = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4);
    store<u8>(SBOX + p, <u8>(x ^ 0x63));
  } while (p != 1);
  store<u8>(SBOX, 0x63);
  for (let i: u32 = 0; i < 256; i++) {
    const s = <u32>load<u8>(SBOX + i);
    const t = (xtime(s) << 24) | (s << 16) | (s << 8) | (xtime(s) ^ s);
    store<u32>(TE0 + (i << 2), t);
    store<u32>(TE1 + (i << 2), rotr<u32>(t, 8));
    store<u32>(TE2 + (i << 2), rotr<u32>(t, 16));
    store<u32>(TE3 + (i << 2), rotr<u32>(t, 24));
  }
}

@inline function rotl8(x: u32, n: u32): u32 {
  return ((x << n) | (x >> (8 - n))) & 0xff;
}

initTables();

@inline function sb(x: u32): u32 {
  return <u32>load<u8>(SBOX + x);
}

@inline function subWord(w: u32): u32 {
  return (sb(w >> 24) << 24) | (sb((w >> 16) & 0xff) << 16) | (sb((w >> 8) & 0xff) << 8) | sb(w & 0xff);
}

/**
 * Expands a 16- or 32-byte key at `key` into round keys at `rk` (u32 word values, FIPS 197 §5.2).
 * Returns the number of rounds (10 or 14), or 0 for another key length.
 */
export function aesExpandKey(key: usize, keyLen: i32, rk: usize): i32 {
  const nk = keyLen >> 2;
  if (keyLen != 16 && keyLen != 32) return 0;
  const nr = nk + 6;
  const total = (nr + 1) * 4;
  for (let i = 0; i < nk; i++) store<u32>(rk + (<usize>i << 2), bswap<u32>(load<u32>(key + (<usize>i << 2))));
  let rcon: u32 = 1;
  for (let i = nk; i < total; i++) {
    let t = load<u32>(rk + (<usize>(i - 1) << 2));
    if (i % nk == 0) {
      t = subWord(rotl<u32>(t, 8)) ^ (rcon << 24);
      rcon = xtime(rcon);
    } else if (nk > 6 && i % nk == 4) {
      t = subWord(t);
    }
    store<u32>(rk + (<usize>i << 2), load<u32>(rk + (<usize>(i - nk) << 2)) ^ t);
  }
  return nr;
}

/** Output of the last aesEncrypt, as big-endian word values. */
export let o0: u32 = 0;
export let o1: u32 = 0;
export let o2: u32 = 0;
export let o3: u32 = 0;

@inline function te0(x: u32): u32 {
  return load<u32>(TE0 + ((x >> 24) << 2));
}
@inline function te1(x: u32): u32 {
  return load<u32>(TE1 + (((x >> 16) & 0xff) << 2));
}
@inline function te2(x: u32): u32 {
  return load<u32>(TE2 + (((x >> 8) & 0xff) << 2));
}
@inline function te3(x: u32): u32 {
  return load<u32>(TE3 + ((x & 0xff) << 2));
}

/** Encrypts the block (s0, s1, s2, s3) (big-endian word values) under `rk`; result in o0..o3. */
export function aesEncrypt(rk: usize, nr: i32, s0: u32, s1: u32, s2: u32, s3: u32): void {
  s0 ^= load<u32>(rk);
  s1 ^= load<u32>(rk, 4);
  s2 ^= load<u32>(rk, 8);
  s3 ^= load<u32>(rk, 12);
  let k = rk + 16;
  for (let r = 1; r < nr; r++) {
    const t0 = te0(s0) ^ te1(s1) ^ te2(s2) ^ te3(s3) ^ load<u32>(k);
    const t1 = te0(s1) ^ te1(s2) ^ te2(s3) ^ te3(s0) ^ load<u32>(k, 4);
    const t2 = te0(s2) ^ te1(s3) ^ te2(s0) ^ te3(s1) ^ load<u32>(k, 8);
    const t3 = te0(s3) ^ te1(s0) ^ te2(s1) ^ te3(s2) ^ load<u32>(k, 12);
    s0 = t0;
    s1 = t1;
    s2 = t2;
    s3 = t3;
    k += 16;
  }
  o0 = lastRound(s0, s1, s2, s3) ^ load<u32>(k);
  o1 = lastRound(s1, s2, s3, s0) ^ load<u32>(k, 4);
  o2 = lastRound(s2, s3, s0, s1) ^ load<u32>(k, 8);
  o3 = lastRound(s3, s0, s1, s2) ^ load<u32>(k, 12);
}

@inline function lastRound(a: u32, b: u32, c: u32, d: u32): u32 {
  return (sb(a >> 24) << 24) | (sb((b >> 16) & 0xff) << 16) | (sb((c >> 8) & 0xff) << 8) | sb(d & 0xff);
}
