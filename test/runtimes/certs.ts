import selfsigned from "selfsigned";

/** A test CA and a server certificate for localhost / 127.0.0.1 / ::1 signed by it (PEM). */
export interface TestPki {
  ca: string;
  cert: string;
  key: string;
}

const cached = new Map<string, Promise<TestPki>>();

/**
 * Generates the PKI once per test file. ECDSA P-256 with SHA-256 by default: rustls (Deno) refuses
 * the ecdsa-with-SHA1 signatures selfsigned makes by default. `"rsa"` gives RSA 2048 keys, for the
 * tests of static-RSA key exchange (which needs an RSA certificate).
 */
export function testPki(keyType: "ec" | "rsa" = "ec"): Promise<TestPki> {
  const known = cached.get(keyType);
  if (known) return known;
  const made = (async () => {
    const ec =
      keyType === "ec"
        ? { keyType: "ec" as const, curve: "P-256" as const, algorithm: "sha256" }
        : { keyType: "rsa" as const, keySize: 2048, algorithm: "sha256" };
    const ca = await selfsigned.generate([{ name: "commonName", value: "siphon test CA" }], {
      ...ec,
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true },
      ],
    });
    const server = await selfsigned.generate([{ name: "commonName", value: "localhost" }], {
      ...ec,
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        {
          name: "subjectAltName",
          altNames: [
            { type: 2, value: "localhost" },
            { type: 7, ip: "127.0.0.1" },
            { type: 7, ip: "::1" },
          ],
        },
        { name: "extKeyUsage", serverAuth: true },
      ],
    });
    return { ca: ca.cert, cert: server.cert, key: server.private };
  })();
  cached.set(keyType, made);
  return made;
}
