// How each runtime imports the published package: the specifier prefix that replaces "siphon" in
// test/pack/smoke.mjs. run.mjs runs the program once per variant; test/pack/manifest.test.ts checks
// that README.md's import lines are lines of these programs.

/**
 * @typedef {object} Variant
 * @property {string} name
 * @property {"node" | "bun" | "deno"} runtime
 * @property {"npm" | "jsr"} registry
 * @property {(pkgName: string, jsrName: string) => string} prefix  what "siphon" becomes
 */

/** @type {Variant[]} */
export const VARIANTS = [
  { name: "Node (npm)", runtime: "node", registry: "npm", prefix: (pkg) => pkg },
  { name: "Bun (npm)", runtime: "bun", registry: "npm", prefix: (pkg) => pkg },
  { name: "Deno (npm: specifier)", runtime: "deno", registry: "npm", prefix: (pkg) => `npm:${pkg}` },
  { name: "Deno (JSR)", runtime: "deno", registry: "jsr", prefix: (_pkg, jsr) => `jsr:${jsr}` },
];

/** `program` with its `from "<pkgName>…"` specifiers rewritten to start with `prefix`. */
export function withPrefix(program, pkgName, prefix) {
  const re = new RegExp(`from "${pkgName.replace(/[/@.]/g, "\\$&")}(/[^"]*)?"`, "g");
  return program.replace(re, (_m, sub) => `from "${prefix}${sub ?? ""}"`);
}

/** The specifier of entry point `key` ("." or "./sip") under `prefix`. */
export const entrySpecifier = (prefix, key) => (key === "." ? prefix : `${prefix}/${key.slice(2)}`);
