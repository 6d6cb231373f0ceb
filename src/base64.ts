/**
 * Base64 (RFC 4648 §4) on the web-standard `atob`/`btoa`, for the embedded Wasm modules and the SDES
 * keys of SDP (RFC 4568 §6.1). One copy for every layer.
 */

/**
 * Decodes base64 (RFC 4648 §4, padded), or returns undefined when `text` is not base64 (what `atob`
 * refuses).
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  let bin: string;
  try {
    bin = atob(text);
  } catch {
    return undefined;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Encodes bytes as base64 with padding (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return btoa(s);
}

/** @internal The bytes of a base64 module the build embedded; throws when the build wrote something else. */
export function embeddedBytes(text: string, what: string): Uint8Array<ArrayBuffer> {
  const bytes = decodeBase64(text);
  if (bytes === undefined) throw new Error(`${what}: the embedded module is not base64 (rebuild with npm run build)`);
  return bytes;
}
