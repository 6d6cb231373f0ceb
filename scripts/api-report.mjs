// The API report: every name each entry point of package.json "exports" gives a user, with its
// declaration as the published .d.ts files state it (dist/, after `npm run build`; `@internal`
// members stripped). It is checked in as api/siphon.api.md; test/api/api-report.test.ts compares it
// with what this script reads now, so an export added, removed or changed by accident fails the
// tests. After an intended change: npm run api (build, then write the report) and commit it.
//
//   node scripts/api-report.mjs           write api/siphon.api.md from dist/
//   node scripts/api-report.mjs --check   exit 1 when the checked-in report differs
//
// The .d.ts files are read as text: top-level statements are split at depth 0, comments dropped,
// `export ... from` and `export *` followed module by module. Each declaration is printed once,
// under the first entry point (in package.json order, the root last) that exports it; other entry
// points list the name with the entry point that declares it.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const defaultRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
export const REPORT_PATH = "api/siphon.api.md";

/** The text without comments (strings kept). */
function stripComments(text) {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === "/" && text[i + 1] === "*") {
      const e = text.indexOf("*/", i + 2);
      i = e < 0 ? text.length : e + 1;
    } else if (c === "/" && text[i + 1] === "/") {
      const e = text.indexOf("\n", i);
      i = e < 0 ? text.length : e - 1;
    } else out += c;
  }
  return out;
}

/** Declarations whose body ends the statement (no `;` after the closing brace). */
const BLOCK = /^(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(?:class|interface|namespace|module|enum)\b/;

/** Top-level statements: split at `;` at depth 0, or after the body of a class, interface, ... */
function statements(text) {
  const out = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      i = j;
    } else if (c === "{" || c === "(" || c === "[") depth++;
    else if (c === "}" || c === ")" || c === "]") {
      depth--;
      if (depth === 0 && c === "}" && BLOCK.test(text.slice(start, i).trimStart())) {
        out.push(text.slice(start, i + 1).trim());
        start = i + 1;
      }
    } else if (c === ";" && depth === 0) {
      out.push(text.slice(start, i + 1).trim());
      start = i + 1;
    }
  }
  const tail = text.slice(start).trim();
  if (tail) out.push(tail);
  return out.filter((s) => s.length > 0);
}

/** Lines of a declaration with comments gone, trailing spaces and blank lines dropped, indentation kept. */
function tidy(decl) {
  return decl
    .split("\n")
    .map((l) => l.replace(/\s+$/, ""))
    .filter((l) => l.trim() !== "")
    .join("\n");
}

/** `./x.ts` relative to `from` -> the .d.ts file. */
function resolveSpec(from, spec) {
  const base = resolve(dirname(from), spec.replace(/\.(ts|js|mjs)$/, ""));
  for (const f of [`${base}.d.ts`, join(base, "index.d.ts")]) if (existsSync(f)) return f;
  throw new Error(`api-report: cannot resolve ${spec} from ${from}`);
}

/** A binding list `a, b as c, type d` -> [[local, exported, typeOnly]]. */
function bindings(list) {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const typeOnly = /^type\s/.test(s);
      const m = s.replace(/^type\s+/, "").match(/^([\w$]+)(?:\s+as\s+([\w$]+))?$/);
      if (!m) throw new Error(`api-report: cannot read binding "${s}"`);
      return [m[1], m[2] ?? m[1], typeOnly];
    });
}

const DECL = /^(?:export\s+)?(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(class|interface|type|function|const|let|var|enum|namespace)\s+([\w$]+)/;

/** What one .d.ts module exports: name -> { file, local, typeOnly }; its declarations by local name. */
function readModule(file, cache) {
  if (cache.has(file)) return cache.get(file);
  const mod = { exports: new Map(), decls: new Map() };
  cache.set(file, mod);
  const text = stripComments(readFileSync(file, "utf8"));
  const imports = new Map();
  const localExports = [];
  for (const stmt of statements(text)) {
    let m;
    if ((m = stmt.match(/^import\s+(type\s+)?\{([^}]*)\}\s+from\s+["']([^"']+)["']/))) {
      for (const [name, local] of bindings(m[2])) imports.set(local, { spec: m[3], name });
    } else if (/^import\s/.test(stmt)) {
      continue;
    } else if ((m = stmt.match(/^export\s+(type\s+)?\*\s+from\s+["']([^"']+)["']/))) {
      const target = readModule(resolveSpec(file, m[2]), cache);
      for (const [name, e] of target.exports) {
        if (name !== "default" && !mod.exports.has(name)) mod.exports.set(name, { ...e, typeOnly: e.typeOnly || !!m[1] });
      }
    } else if ((m = stmt.match(/^export\s+(type\s+)?\{([^}]*)\}\s+from\s+["']([^"']+)["']/))) {
      const target = readModule(resolveSpec(file, m[3]), cache);
      for (const [name, exported, typeOnly] of bindings(m[2])) {
        const e = target.exports.get(name);
        if (!e) throw new Error(`api-report: ${file} re-exports ${name}, which ${m[3]} does not export`);
        mod.exports.set(exported, { ...e, typeOnly: e.typeOnly || typeOnly || !!m[1] });
      }
    } else if ((m = stmt.match(/^export\s+(type\s+)?\{([^}]*)\}/))) {
      localExports.push([bindings(m[2]), !!m[1]]);
    } else if ((m = stmt.match(DECL))) {
      const name = m[2];
      const prev = mod.decls.get(name);
      // Overloads and a class/interface merged with a namespace: one entry, all statements.
      mod.decls.set(name, prev ? `${prev}\n${tidy(stmt)}` : tidy(stmt));
      if (/^export\s/.test(stmt)) mod.exports.set(name, { file, local: name, typeOnly: false });
    } else if (/^export\s+default\s/.test(stmt)) {
      mod.decls.set("default", tidy(stmt));
      mod.exports.set("default", { file, local: "default", typeOnly: false });
    } else if (!/^export\s*\{\s*\}\s*;?$/.test(stmt)) {
      throw new Error(`api-report: ${file}: cannot read statement: ${stmt.slice(0, 80)}`);
    }
  }
  for (const [list, allType] of localExports) {
    for (const [local, exported, typeOnly] of list) {
      const imp = imports.get(local);
      if (imp) {
        const e = readModule(resolveSpec(file, imp.spec), cache).exports.get(imp.name);
        if (!e) throw new Error(`api-report: ${file} exports ${local}, imported but not found`);
        mod.exports.set(exported, { ...e, typeOnly: e.typeOnly || typeOnly || allType });
      } else {
        mod.exports.set(exported, { file, local, typeOnly: typeOnly || allType });
      }
    }
  }
  return mod;
}

/** The report for the package at `root` (dist/ must be built). */
export function apiReport(root = defaultRoot) {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const entries = Object.entries(pkg.exports).map(([key, conds]) => {
    const types = typeof conds === "string" ? conds : conds.types;
    return { name: key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`, file: join(root, types) };
  });
  // Declarations are printed under the sub-entries first: the root entry re-exports them.
  const order = [...entries.filter((e) => e.name !== pkg.name), ...entries.filter((e) => e.name === pkg.name)];
  const cache = new Map();
  const owner = new Map();
  const sections = [];
  for (const entry of order) {
    const mod = readModule(entry.file, cache);
    const lines = [];
    for (const name of [...mod.exports.keys()].sort((a, b) => a.localeCompare(b, "en"))) {
      const e = mod.exports.get(name);
      const key = `${e.file}#${e.local}`;
      const decl = readModule(e.file, cache).decls.get(e.local);
      if (decl === undefined) throw new Error(`api-report: no declaration of ${e.local} in ${e.file}`);
      // A class, function or constant exported with `export type` cannot be used as a value.
      const tag = e.typeOnly && !/^export\s+(interface|type)\s/.test(decl) ? " (type only)" : "";
      const alias = e.local !== name ? ` (as ${e.local})` : "";
      const home = owner.get(key);
      if (home) {
        lines.push(`- \`${name}\`${alias}${tag}: see ${home}`);
        continue;
      }
      owner.set(key, entry.name);
      lines.push(`- \`${name}\`${alias}${tag}\n\n\`\`\`ts\n${decl}\n\`\`\`\n`);
    }
    sections.push(`## ${entry.name}\n\n${mod.exports.size} names\n\n${lines.join("\n")}\n`);
  }
  return (
    `# API report of ${pkg.name}\n\n` +
    `GENERATED by scripts/api-report.mjs from the published declarations (dist/) — do not edit. ` +
    `\`npm run api\` rewrites it; test/api/api-report.test.ts compares it with the build.\n\n` +
    sections.join("\n")
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = apiReport();
  const file = join(defaultRoot, REPORT_PATH);
  if (process.argv.includes("--check")) {
    const old = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (old !== report) {
      console.error(`api-report: ${REPORT_PATH} differs from the build; run npm run api and review the change`);
      process.exit(1);
    }
  } else {
    writeFileSync(file, report);
    console.log(`api-report: wrote ${REPORT_PATH}`);
  }
}
