import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module of the build, without type declarations
import { generateAbi } from "../../scripts/gen-abi.mjs";

const root = new URL("../../", import.meta.url);

describe("the Wasm/TypeScript ABI comes from one source per layer (assembly/<layer>/abi.json)", () => {
  const files = generateAbi(decodeURIComponent(root.pathname)) as Map<string, string>;

  it("every layer with a Wasm core has its two generated sides", () => {
    expect([...files.keys()].sort()).toEqual([
      "assembly/auth/abi.generated.ts",
      "assembly/rtp/abi.generated.ts",
      "assembly/sip/abi.generated.ts",
      "assembly/srtp/abi.generated.ts",
      "src/auth/abi.generated.ts",
      "src/rtp/abi.generated.ts",
      "src/sip/abi.generated.ts",
      "src/srtp/abi.generated.ts",
    ]);
  });

  for (const [path, content] of files) {
    it(`${path} is what scripts/gen-abi.mjs writes from the spec`, () => {
      expect(readFileSync(new URL(path, root), "utf8")).toBe(content);
    });
  }
});
