import { describe, expect, it } from "vitest";
import { splitHeaderValues } from "../../src/sip/index.ts";

describe("splitHeaderValues", () => {
  it("RFC 3261 §7.3.1: a comma-separated list splits at commas outside quotes and angle brackets", () => {
    expect(splitHeaderValues('"Doe, John" <sip:j@a.example;x=1,2>;q=0.5, <sip:k@b.example> ,sip:l@c.example')).toEqual([
      '"Doe, John" <sip:j@a.example;x=1,2>;q=0.5',
      "<sip:k@b.example>",
      "sip:l@c.example",
    ]);
  });

  it("an escaped quote stays inside the quoted string; empty values are left out", () => {
    expect(splitHeaderValues('"a \\" , b" <sip:a@x>,, ,<sip:b@y>')).toEqual(['"a \\" , b" <sip:a@x>', "<sip:b@y>"]);
    expect(splitHeaderValues("  ")).toEqual([]);
  });
});
