import { describe, expect, it } from "vitest";
import { ConfigError, resolveConfig } from "../../src/engine/config/index.ts";
import { thrown } from "../thrown.ts";

const problems = (f: () => unknown) => {
  const e = thrown(f);
  expect(e).toBeInstanceOf(ConfigError);
  return (e as ConfigError).problems;
};

describe("server configuration", () => {
  it("defaults: UDP/TCP 5060, WS 8080, HTTP 8088, SQLite under ./data, moving to the next free port", () => {
    const c = resolveConfig();
    expect([c.host, c.sip.port, c.sip.wsPort, c.http.port, c.data, c.storage.kind, c.sip.nextFreePort]).toEqual([
      "127.0.0.1", 5060, 8080, 8088, "./data", "sqlite", true,
    ]);
  });

  it("precedence: file < environment < flags; an explicit port is never moved", () => {
    const c = resolveConfig({
      file: { path: "siphon.yaml", text: "sip:\n  port: 5070\nrealm: example.com\nlog:\n  level: debug\n" },
      env: (n) => ({ SIPHON_PORT: "5080", SIPHON_DATA: "/var/lib/siphon" })[n],
      flags: { port: "5090", users: ["alice:secret"] },
    });
    expect([c.sip.port, c.data, c.realm, c.log.level, c.sip.nextFreePort]).toEqual([5090, "/var/lib/siphon", "example.com", "debug", false]);
    expect(c.users).toEqual([{ username: "alice", password: "secret" }]);
  });

  it("JSON files are read too", () => {
    expect(resolveConfig({ file: { path: "s.json", text: '{"http": {"port": null}, "storage": {"kind": "memory"}}' } }).http.port).toBeNull();
  });

  it("every problem is named by its path and where it came from", () => {
    const p = problems(() =>
      resolveConfig({
        file: { path: "siphon.yaml", text: "sip:\n  port: 70000\nusers:\n  - username: bob\nlimits:\n  perAdress: 5\n" },
        flags: { httpPort: "eighty", users: ["nocolon"] },
      }),
    );
    expect(p).toEqual([
      'users (from --user): "nocolon" is not NAME:PASSWORD',
      "sip.port (from siphon.yaml): Too big: expected number to be <=65535",
      "http.port (from --http-port): Invalid input: expected number, received string",
      "users[0] (from siphon.yaml): needs a password or an ha1",
      'limits (from siphon.yaml): Unrecognized key: "perAdress"',
    ]);
  });

  it("a file that is not YAML is refused with BAD_FILE and its path", () => {
    const e = thrown(() => resolveConfig({ file: { path: "bad.yaml", text: "sip: [1, 2\n" } }));
    expect((e as ConfigError).code).toBe("BAD_FILE");
    expect((e as Error).message).toMatch(/^bad\.yaml: not valid YAML or JSON: /);
  });
});
