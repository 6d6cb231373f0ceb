// What a published siphon package must be, as functions over package.json, deno.json and the packed
// file list: each returns a list of problems (empty when the package is right). The packaging test
// (test/pack/run.mjs, `npm run test:pack`) applies them to the real tarball; test/pack/manifest.test.ts
// applies them to the checkout on every `npm test`, and feeds them broken inputs to show they fail.
//
// Rules: npm gets the compiled JavaScript and the declarations (dist/), one build for Node, Bun and
// Deno's `npm:` specifiers; JSR gets the TypeScript sources (deno.json "exports" and "publish").
// Both list the same entry points.

/** Files npm puts in every tarball whatever "files" says. */
export const ALWAYS_PACKED = ["package.json", "README.md", "LICENSE"];

/** Largest declaration file allowed: the biggest hand-written one is under 10 kB; a leaked Wasm literal is over 60 kB. */
export const MAX_DECLARATION_BYTES = 32 * 1024;

/** Folder names that never belong in the package. */
const NOT_PUBLISHED = new Set(["test", "tests", "__tests__", "bench", "fixtures", "vectors", "examples", "assembly", "build"]);

/** Node's built-in modules are imported with the `node:` prefix; Bun's with `bun:`. */
const BUILTIN = /^(node|bun):/;

/** Every path package.json makes a user load: each export condition, main, types, each bin. */
export function packageTargets(pkg) {
  const out = [];
  for (const [key, value] of Object.entries(pkg.exports ?? {})) {
    if (typeof value === "string") out.push({ what: `exports["${key}"]`, target: value });
    else for (const [cond, target] of Object.entries(value)) out.push({ what: `exports["${key}"].${cond}`, target });
  }
  if (pkg.main) out.push({ what: "main", target: pkg.main });
  if (pkg.types) out.push({ what: "types", target: pkg.types });
  const bins = typeof pkg.bin === "string" ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {});
  for (const [name, target] of Object.entries(bins)) out.push({ what: `bin.${name}`, target });
  return out;
}

/** A target as a tarball path: `./dist/x.js` -> `dist/x.js`. */
const normal = (path) => path.replace(/^\.\//, "");

/** Whether `path` lies under one of package.json "files" (npm's own files always count). */
function shipped(pkg, path) {
  if (ALWAYS_PACKED.includes(path)) return true;
  return (pkg.files ?? []).some((root) => path === normal(root) || path.startsWith(`${normal(root).replace(/\/$/, "")}/`));
}

/** The JSR source of a compiled file: `./dist/src/sip/index.js` -> `./src/sip/index.ts`. */
export const sourceOf = (distPath) => distPath.replace(/^\.\/dist\//, "./").replace(/\.js$/, ".ts");

/** package.json and deno.json against the rules above. */
export function checkManifest(pkg, deno) {
  const problems = [];
  for (const [key, value] of Object.entries(pkg.exports ?? {})) {
    const conds = typeof value === "string" ? [] : Object.keys(value);
    // "types" first (TypeScript takes the first condition that matches), then one JavaScript file for every runtime.
    if (conds.join() !== "types,default") {
      problems.push(`exports["${key}"]: conditions ${JSON.stringify(conds)}, want ["types","default"] (one build for Node, Bun and Deno)`);
      continue;
    }
    const { types, default: js } = value;
    if (!/^\.\/dist\/.+\.js$/.test(js)) problems.push(`exports["${key}"].default: ${js} is not compiled JavaScript under ./dist/`);
    if (types !== js.replace(/\.js$/, ".d.ts")) problems.push(`exports["${key}"].types: ${types} is not the declaration of ${js}`);
    const source = deno.exports?.[key];
    if (source !== sourceOf(js)) problems.push(`deno.json exports["${key}"]: ${source}, want ${sourceOf(js)} (the source of ${js})`);
  }
  const npmKeys = Object.keys(pkg.exports ?? {});
  const jsrKeys = Object.keys(deno.exports ?? {});
  if (npmKeys.join() !== jsrKeys.join()) problems.push(`deno.json exports ${JSON.stringify(jsrKeys)} differ from package.json's ${JSON.stringify(npmKeys)}`);
  for (const { what, target } of packageTargets(pkg)) {
    if (!shipped(pkg, normal(target))) problems.push(`${what}: ${target} is outside package.json "files"`);
  }
  if (deno.version !== pkg.version) problems.push(`deno.json version ${deno.version} differs from package.json's ${pkg.version}`);
  if (deno.license !== pkg.license) problems.push(`deno.json license ${deno.license} differs from package.json's ${pkg.license}`);
  if (!/\bnpm run build\b|scripts\/build\.mjs/.test(pkg.scripts?.prepack ?? "")) problems.push(`scripts.prepack does not build (${pkg.scripts?.prepack})`);
  for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
    if (pkg.devDependencies?.[dep]) problems.push(`${dep} is both a dependency and a devDependency`);
    // JSR resolves a bare import only through deno.json's import map.
    const mapped = deno.imports?.[dep];
    if (mapped !== `npm:${dep}@${range}`) problems.push(`deno.json imports["${dep}"]: ${mapped}, want npm:${dep}@${range} (package.json's dependency)`);
  }
  return problems;
}

/** A static import or re-export clause, at the start of a line as tsc emits top-level statements. */
const STATIC_IMPORT =
  /^(?:import|export)\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\}|[\w$]+(?:\s*,\s*(?:\{[^}]*\}|\*\s+as\s+[\w$]+))?)\s*from\s*["']([^"']+)["']|^import\s*["']([^"']+)["']/gm;
/** `import("…")` with a string literal, on a line that is not a comment. */
const DYNAMIC_IMPORT = /^(?!\s*(?:\*|\/\/|\/\*)).*?\bimport\(\s*["']([^"']+)["']\s*\)/gm;

/**
 * Bare specifiers a compiled module imports: static imports and re-exports, side-effect imports and
 * `import("…")` with a string literal (relative paths and URLs left out; examples in comments too).
 */
export function bareImports(js) {
  const found = new Set();
  for (const re of [STATIC_IMPORT, DYNAMIC_IMPORT]) {
    for (const m of js.matchAll(re)) {
      const specifier = m[1] ?? m[2];
      if (!/^[./]/.test(specifier) && !/^[a-z]+:\/\//.test(specifier)) found.add(specifier);
    }
  }
  return found;
}

/** `pkg/sub/path` and `@scope/pkg/sub` -> the package name. */
export const packageName = (specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

/**
 * The packed file list (`npm pack --json`'s `files`: `{ path, size }`) against the rules: only what
 * "files" names, compiled JavaScript and declarations under dist/, no tests or benches, every target
 * present, small declarations, and the bare imports of the shipped code exactly the declared
 * dependencies. `read(path)` gives a packed file's text.
 */
export function checkTarball(pkg, files, read) {
  const problems = [];
  const paths = new Set(files.map((f) => f.path));
  for (const { path, size } of files) {
    if (!shipped(pkg, path)) problems.push(`${path}: not named by package.json "files"`);
    const segments = path.split("/");
    if (segments.some((s) => NOT_PUBLISHED.has(s)) || /\.(test|spec)\.|\.map$|\.tsbuildinfo$/.test(path)) {
      problems.push(`${path}: tests, benches, fixtures and build outputs do not belong in the package`);
    }
    if (segments[0] === "dist" && !/\.(js|d\.ts)$/.test(path)) problems.push(`${path}: dist/ holds JavaScript and declarations only`);
    if (path.endsWith(".d.ts") && size > MAX_DECLARATION_BYTES) {
      problems.push(`${path}: ${size} bytes of declarations (over ${MAX_DECLARATION_BYTES}): a literal type carries data`);
    }
  }
  for (const { what, target } of packageTargets(pkg)) {
    if (!paths.has(normal(target))) problems.push(`${what}: ${target} is not in the tarball`);
  }
  const declared = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  const used = new Set();
  for (const path of paths) {
    if (!path.endsWith(".js")) continue;
    for (const specifier of bareImports(read(path))) {
      if (BUILTIN.test(specifier)) continue;
      const name = packageName(specifier);
      used.add(name);
      if (!declared.has(name)) problems.push(`${path} imports "${specifier}", which package.json does not declare as a dependency`);
    }
  }
  for (const name of Object.keys(pkg.dependencies ?? {})) {
    if (!used.has(name)) problems.push(`dependency ${name}: no shipped file imports it (a devDependency?)`);
  }
  return problems;
}

/**
 * The packages an install of the tarball brought (`{ name, manifest, bindingGyp }`): installing must
 * need npm alone, so none may build or download at install time (install scripts, or a binding.gyp
 * that npm builds with node-gyp). An optional dependency of `pkg` may: siphon must work without it.
 */
export function checkInstalled(pkg, packages) {
  const problems = [];
  const optional = new Set(Object.keys(pkg.optionalDependencies ?? {}));
  for (const { name, manifest, bindingGyp } of packages) {
    if (optional.has(name)) continue;
    const steps = ["preinstall", "install", "postinstall"].filter((s) => manifest.scripts?.[s]);
    if (bindingGyp && !manifest.scripts?.install) steps.push("binding.gyp (node-gyp rebuild)");
    if (steps.length) problems.push(`${name}: runs ${steps.join(", ")} at install; installing ${pkg.name} must need nothing but npm`);
  }
  return problems;
}

/**
 * From the API report's text (scripts/api-report.mjs): each entry point's names that are values at
 * run time (functions, classes, constants, enums), without type-only exports.
 */
export function apiValueNames(report) {
  const sections = new Map();
  const kinds = new Map();
  let entry;
  const pending = [];
  const lines = report.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const head = line.match(/^## (\S+)$/);
    if (head) {
      entry = head[1];
      sections.set(entry, new Set());
      continue;
    }
    const item = line.match(/^- `([\w$]+)`( \(as [\w$]+\))?( \(type only\))?(?:: see (\S+))?$/);
    if (!item || entry === undefined) continue;
    const [, name, , typeOnly, home] = item;
    if (typeOnly) continue;
    if (home) {
      pending.push([entry, name, home]);
      continue;
    }
    // The declaration follows in a ```ts block two lines down.
    const decl = lines[i + 3] ?? "";
    const value = /^export\s+(declare\s+)?(abstract\s+)?(function|class|const|let|var|enum)\s/.test(decl);
    kinds.set(`${entry}#${name}`, value);
    if (value) sections.get(entry).add(name);
  }
  for (const [entry, name, home] of pending) if (kinds.get(`${home}#${name}`)) sections.get(entry).add(name);
  return sections;
}
