import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module of the build, without type declarations
import { apiReport, REPORT_PATH } from "../../scripts/api-report.mjs";

const root = new URL("../../", import.meta.url);
const rootPath = decodeURIComponent(root.pathname);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { name: string; exports: Record<string, unknown> };
const deno = JSON.parse(readFileSync(new URL("deno.json", root), "utf8")) as { exports: Record<string, string> };

describe("the public API (api/siphon.api.md, from the published declarations in dist/)", () => {
  const report = apiReport(rootPath) as string;

  it("is the checked-in report: an export added, removed or changed shows here (npm run api rewrites it)", () => {
    expect(report).toBe(readFileSync(new URL(REPORT_PATH, root), "utf8"));
  });

  it("covers every entry point of package.json, and deno.json mirrors them", () => {
    const entries = Object.keys(pkg.exports);
    for (const key of entries) expect(report).toContain(`## ${key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`}\n`);
    expect(Object.keys(deno.exports)).toEqual(entries);
    expect(entries).toContain("./driver");
  });

  it("shows no internal member: no underscore names, no constructor taking the engine's internals", () => {
    expect(report).not.toMatch(/^\s+(readonly\s+|static\s+|get\s+|set\s+)*_\w+/m);
    expect(report).not.toMatch(/SrtpEngine|KeyHandle|TokenTable|ContextState/);
    expect(report).not.toMatch(/g711EncodeAt|g711DecodeAt|l16SwapAt|g711Scratch/);
  });
});
