import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as siphon from "../../src/index.ts";

/** The first ```js block of README.md's "Using it" section. */
function usingItExample(): string {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## Using it"));
  const m = section.match(/```js\n([\s\S]*?)```/);
  if (!m) throw new Error("README.md: no js example under Using it");
  return m[1]!;
}

describe("README.md", () => {
  it("the Using it example runs against the current API and prints what its comments say", () => {
    // `import { a, b } from "@siphon/siphon"` becomes a destructuring of the package's root entry.
    const code = usingItExample().replace(/import\s*\{([^}]*)\}\s*from\s*"@siphon\/siphon";/, "const {$1} = siphon;");
    const lines: string[] = [];
    const console = { log: (...xs: unknown[]) => lines.push(xs.map(String).join(" ")) };
    new Function("siphon", "console", code)(siphon, console);
    expect(lines).toEqual([
      "OPTIONS c1 1 a z9hG4bK1",
      "sip:alice@example.com SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1",
      "BAD_VERSION 28 unsupported SIP version (SIP/2.0 expected)",
    ]);
  });
});
