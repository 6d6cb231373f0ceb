import { readdirSync, readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module of the build, without type declarations
import { apiValueNames, bareImports, checkInstalled, checkManifest, checkTarball, MAX_DECLARATION_BYTES } from "../../scripts/package-check.mjs";
// @ts-expect-error: a plain ES module of the build, without type declarations
import { checkJsr } from "../../scripts/check-jsr.mjs";
// @ts-expect-error: a plain ES module of the packaging test, without type declarations
import { VARIANTS, withPrefix } from "./variants.mjs";

// The fast half of the packaging rules, on every `npm test`: the manifests, the built declarations,
// the README's install lines and the notices. `npm run test:pack` (test/pack/run.mjs) packs and
// installs the real tarball and runs it on Node, Bun and Deno.

type Problems = string[];
type Pkg = { name: string; version: string; license: string; exports: Record<string, Record<string, string>>; [k: string]: unknown };
type Variant = { name: string; registry: string; prefix: (pkg: string, jsr: string) => string };

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
const pkg = JSON.parse(read("package.json")) as Pkg;
const deno = JSON.parse(read("deno.json")) as { name: string; version: string; license: string; exports: Record<string, string> };
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const has = (problems: Problems, text: string) => problems.some((p) => p.includes(text));

describe("package.json and deno.json", () => {
  it("every entry point is one compiled build (types, then default) under dist/, and deno.json gives its source", () => {
    expect((checkManifest(pkg, deno) as Problems).join("\n")).toBe("");
  });

  it("a runtime condition, a source outside the tarball, a missing JSR entry or a version apart is refused", () => {
    const bunSources = clone(pkg);
    bunSources.exports["./sip"] = { bun: "./src/sip/index.ts", ...bunSources.exports["./sip"] };
    expect(has(checkManifest(bunSources, deno), `exports["./sip"]: conditions ["bun","types","default"]`)).toBe(true);

    const outside = clone(pkg);
    outside.bin = { siphon: "./src/cli/main.ts" };
    expect(has(checkManifest(outside, deno), "bin.siphon: ./src/cli/main.ts is outside package.json \"files\"")).toBe(true);

    const lessJsr = clone(deno);
    delete lessJsr.exports["./srtp"];
    expect(has(checkManifest(pkg, lessJsr), `deno.json exports["./srtp"]: undefined, want ./src/srtp/index.ts`)).toBe(true);

    expect(has(checkManifest(pkg, { ...deno, version: "9.9.9" }), "deno.json version 9.9.9")).toBe(true);
    expect(has(checkManifest({ ...pkg, scripts: {} }, deno), "scripts.prepack does not build")).toBe(true);

    // A dependency JSR could not resolve: deno.json's import map must name it as package.json does.
    const unmapped = clone(deno) as typeof deno & { imports?: Record<string, string> };
    delete unmapped.imports?.zod;
    expect(has(checkManifest(pkg, unmapped), `deno.json imports["zod"]: undefined, want npm:zod@`)).toBe(true);
  });
});

describe("the built declarations (dist/, from npm run build)", () => {
  const declarations = (dir: string): [string, number][] =>
    readdirSync(new URL(dir, root), { withFileTypes: true }).flatMap((e): [string, number][] => {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) return declarations(path);
      return e.name.endsWith(".d.ts") ? [[path, statSync(new URL(path, root)).size]] : [];
    });

  it("no .d.ts is over the limit: the embedded Wasm modules are typed string, not a literal type", () => {
    const all = [...declarations("dist/src"), ...declarations("dist/runtimes")];
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter(([, size]) => size > MAX_DECLARATION_BYTES)).toEqual([]);
    expect(read("dist/src/wasm/binary.generated.d.ts")).toContain("export declare const SIMD_WASM_BASE64: string;");
    expect(read("dist/src/codec/opus-wasm.generated.d.ts")).toContain("export declare const OPUS_WASM_BASE64: string;");
  });
});

describe("the tarball rules (scripts/package-check.mjs)", () => {
  const good = {
    name: "p",
    version: "1.0.0",
    files: ["dist/src"],
    exports: { ".": { types: "./dist/src/index.d.ts", default: "./dist/src/index.js" } },
    dependencies: { ws: "^8" },
  };
  const files = [
    { path: "package.json", size: 100 },
    { path: "LICENSE", size: 100 },
    { path: "dist/src/index.js", size: 100 },
    { path: "dist/src/index.d.ts", size: 100 },
    { path: "dist/src/wasm/binary.generated.d.ts", size: 100 },
  ];
  const text: Record<string, string> = { "dist/src/index.js": 'import { WebSocket } from "ws";\nimport { x } from "./x.js";\n' };
  const readText = (path: string) => text[path] ?? "";

  it("a package of declared parts passes", () => {
    expect((checkTarball(good, files, readText) as Problems).join("\n")).toBe("");
  });

  it("a leaked literal type, a test file, a missing target, an undeclared import and an unused dependency are refused", () => {
    const bad = [
      ...files.filter((f) => f.path !== "dist/src/index.d.ts"),
      { path: "dist/src/wasm/opus.generated.d.ts", size: 535_000 },
      { path: "dist/test/sip/parse.test.js", size: 10 },
    ];
    const problems = checkTarball({ ...good, dependencies: { ws: "^8", yaml: "^2" } }, bad, (path: string) =>
      path === "dist/test/sip/parse.test.js" ? 'import { expect } from "vitest";' : readText(path),
    ) as Problems;
    expect(has(problems, "dist/src/wasm/opus.generated.d.ts: 535000 bytes of declarations")).toBe(true);
    expect(has(problems, "dist/test/sip/parse.test.js: tests, benches")).toBe(true);
    expect(has(problems, 'exports["."].types: ./dist/src/index.d.ts is not in the tarball')).toBe(true);
    expect(has(problems, 'imports "vitest", which package.json does not declare')).toBe(true);
    expect(has(problems, "dependency yaml: no shipped file imports it")).toBe(true);
  });

  it("an installed package that builds or downloads at install time is refused, unless siphon lists it as optional", () => {
    const packages = [
      { name: "p", manifest: { scripts: { prepack: "npm run build" } }, bindingGyp: false },
      { name: "native-db", manifest: { scripts: { install: "prebuild-install || node-gyp rebuild" } }, bindingGyp: true },
      { name: "gyp-only", manifest: {}, bindingGyp: true },
      { name: "fetcher", manifest: { scripts: { postinstall: "node download.js" } }, bindingGyp: false },
    ];
    const problems = checkInstalled({ name: "p", optionalDependencies: { fetcher: "^1" } }, packages) as Problems;
    expect(problems).toEqual([
      "native-db: runs install at install; installing p must need nothing but npm",
      "gyp-only: runs binding.gyp (node-gyp rebuild) at install; installing p must need nothing but npm",
    ]);
  });

  it("bare imports: static, re-export, side-effect and dynamic; relative, node: and commented ones aside", () => {
    const js = [
      'import a from "x";',
      'import {\n  b,\n  c\n} from "@scope/y/sub";',
      'export * from "./local.js";',
      'export { d } from "z";',
      'import "side";',
      'import * as fs from "node:fs";',
      'const m = await import("dyn");',
      ' * import { e } from "@siphon/siphon/driver";',
      '// const n = await import("commented");',
      "const s = 'it goes from \"found\" to \"lost\"';",
    ].join("\n");
    expect([...(bareImports(js) as Set<string>)].sort()).toEqual(["@scope/y/sub", "dyn", "node:fs", "side", "x", "z"]);
  });

  it("the API report's runtime names: values only, type-only exports and interfaces aside, re-exports followed", () => {
    const report = [
      "## p/a", "", "3 names", "",
      "- `f`", "", "```ts", "export declare function f(): void;", "```", "",
      "- `I`", "", "```ts", "export interface I {", "}", "```", "",
      "- `C` (type only)", "", "```ts", "export declare class C {", "}", "```", "",
      "## p", "", "2 names", "",
      "- `f`: see p/a",
      "- `I`: see p/a",
    ].join("\n");
    const names = apiValueNames(report) as Map<string, Set<string>>;
    expect([...names.get("p/a")!]).toEqual(["f"]);
    expect([...names.get("p")!]).toEqual(["f"]);
  });
});

describe("the JSR dry run's judge (scripts/check-jsr.mjs)", () => {
  const output = "Checking for slow types in the public API...\nSimulating publish\nSuccess Dry run complete\n";
  const files = ["LICENSE", "THIRD_PARTY_NOTICES.md", "README.md", "deno.json", "src/index.ts", "src/wasm/binary.generated.ts"];
  const jsr = { exports: { ".": "./src/index.ts" } };

  it("a clean run that publishes the entry points and the generated modules passes", () => {
    expect((checkJsr({ status: 0, output, files }, jsr, ["src/wasm/binary.generated.ts"]) as Problems).join("\n")).toBe("");
  });

  it("a generated module left out, a slow-type error, a test file published, or no slow-type check are refused", () => {
    const problems = checkJsr(
      { status: 1, output: "error[missing-explicit-type]: missing explicit type in the public API\n", files: [...files.slice(0, 5), "test/sip/x.test.ts"] },
      jsr,
      ["src/wasm/binary.generated.ts"],
    ) as Problems;
    expect(has(problems, "src/wasm/binary.generated.ts: a generated module left out")).toBe(true);
    expect(has(problems, "error[missing-explicit-type]")).toBe(true);
    expect(has(problems, "test/sip/x.test.ts: not part of the package")).toBe(true);
    expect(has(problems, "the slow-type check did not run")).toBe(true);
  });
});

describe("README.md's install section", () => {
  const readme = read("README.md");
  const section = readme.slice(readme.indexOf("## Install"), readme.indexOf("\n## ", readme.indexOf("## Install") + 1));
  const program = read("test/pack/smoke.mjs");

  it("every import line is a line of the packaging test's program, as that registry's variant runs it", () => {
    const lines = section.split("\n").filter((l) => /^import .* from "[^"]+";$/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const line of lines) {
      const specifier = line.match(/from "([^"]+)"/)![1]!;
      const variant = (VARIANTS as Variant[])
        .filter((v) => specifier.startsWith(v.prefix(pkg.name, deno.name)))
        .sort((a, b) => b.prefix(pkg.name, deno.name).length - a.prefix(pkg.name, deno.name).length)[0];
      expect(variant, line).toBeDefined();
      const ran = (withPrefix(program, pkg.name, variant!.prefix(pkg.name, deno.name)) as string).split("\n");
      expect(ran, `${variant!.name}: ${line}`).toContain(line);
    }
  });

  it("names each registry's install: npm, Bun, Deno from npm and from JSR", () => {
    expect(section).toContain(`npm install ${pkg.name}`);
    expect(section).toContain(`bun add ${pkg.name}`);
    expect(section).toContain(`"npm:${pkg.name}/`);
    expect(section).toContain(`deno add jsr:${deno.name}`);
  });
});

describe("LICENSE and THIRD_PARTY_NOTICES.md", () => {
  it("LICENSE is the MIT License that package.json and deno.json name", () => {
    expect(pkg.license).toBe("MIT");
    expect(deno.license).toBe("MIT");
    expect(read("LICENSE")).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
  });

  it("the notices name the builds embedded now: @evan/opus as the generated module says, AssemblyScript as installed", () => {
    const notices = read("THIRD_PARTY_NOTICES.md");
    const opus = read("src/codec/opus-wasm.generated.ts").match(/from @evan\/opus (\S+) /)![1];
    const asc = (JSON.parse(read("node_modules/assemblyscript/package.json")) as { version: string }).version;
    expect(notices).toContain(`@evan/opus ${opus}`);
    expect(notices).toContain(`AssemblyScript ${asc}`);
    expect(notices).toContain("Redistributions in binary form must reproduce the above copyright");
    expect(notices).toContain("Apache License");
    // Both registries ship it: npm through "files", JSR through deno.json "publish".
    expect(pkg.files).toContain("THIRD_PARTY_NOTICES.md");
    expect(read("deno.json")).toContain('"THIRD_PARTY_NOTICES.md"');
  });
});
