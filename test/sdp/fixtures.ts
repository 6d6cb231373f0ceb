/** Loads the SDP fixtures of test/vectors/sdp/ (RFC 4317, RFC 3264, RFC 4568, RFC 8866). */
import { readdirSync, readFileSync } from "node:fs";

const root = new URL("../vectors/sdp/", import.meta.url);

/** The text of one fixture, e.g. `rfc4317/2.1-offer.sdp`. */
export function fixture(path: string): string {
  return readFileSync(new URL(path, root), "utf8");
}

/** Every fixture of a folder as [name, text], sorted by name. */
export function fixtures(folder: string): [string, string][] {
  return readdirSync(new URL(`${folder}/`, root))
    .filter((f) => f.endsWith(".sdp"))
    .sort()
    .map((f) => [`${folder}/${f}`, fixture(`${folder}/${f}`)]);
}

/** Every fixture of every folder. */
export function allFixtures(): [string, string][] {
  return ["rfc3264", "rfc4317", "rfc4568", "rfc8866"].flatMap(fixtures);
}
