// The shared flag parser of the `siphon` commands and the dispatcher: every mistake on the command
// line is a CliUsageError naming the argument, and exit code 2.
import { describe, expect, it } from "vitest";
import { cliCommands } from "../../src/cli/commands.ts";
import { runCli } from "../../src/cli/dispatch.ts";
import { CliUsageError, defineCommand, helpText, parseArgs } from "../../src/cli/flags.ts";
import type { CommandSpec } from "../../src/cli/flags.ts";
import { thrown } from "../thrown.ts";
import { memoryIo } from "./io.ts";

const SPEC = {
  name: "demo",
  summary: "a demo command",
  positionals: ["URI", "EXTRA?"],
  flags: {
    port: { kind: "int", min: 0, max: 65535, help: "port" },
    gain: { kind: "number", min: -10, max: 10, help: "gain" },
    transport: { kind: "string", choices: ["udp", "tcp"], help: "transport" },
    codec: { kind: "list", choices: ["pcmu", "opus"], help: "codecs" },
    json: { kind: "switch", help: "json", short: "j" },
    name: { kind: "string", help: "name" },
  },
} as const satisfies CommandSpec;

describe("parseArgs", () => {
  it("reads --flag value, --flag=value, lists (repeated and comma-separated), switches, short aliases and positionals", () => {
    const r = parseArgs(["sip:a@b", "--port", "5060", "--gain=-2.5", "--transport", "TCP", "--codec", "pcmu,opus", "--codec=pcmu", "-j", "more"], SPEC);
    expect(r.help).toBe(false);
    expect(r.positionals).toEqual(["sip:a@b", "more"]);
    expect(r.flags).toEqual({ port: 5060, gain: -2.5, transport: "tcp", codec: ["pcmu", "opus", "pcmu"], json: true });
  });

  it("takes everything after -- as positionals, and a negative number as a value", () => {
    const r = parseArgs(["--gain", "-3", "--", "--port"], SPEC);
    expect(r.flags.gain).toBe(-3);
    expect(r.positionals).toEqual(["--port"]);
  });

  it("reports --help before checking anything else", () => {
    expect(parseArgs(["--bogus", "-h"], SPEC).help).toBe(true);
  });

  const bad: [string, string[], string, RegExp][] = [
    ["an unknown flag, with a suggestion", ["x", "--prot", "1"], "UNKNOWN_FLAG", /--prot \(did you mean --port\?\)/],
    ["an unknown short flag", ["x", "-q"], "UNKNOWN_FLAG", /-q/],
    ["a value flag at the end", ["x", "--port"], "MISSING_VALUE", /--port needs a value/],
    ["a value flag followed by a flag", ["x", "--name", "--json"], "MISSING_VALUE", /--name needs a value/],
    ["a non-integer", ["x", "--port", "50.5"], "BAD_VALUE", /--port must be an integer/],
    ["a number out of range", ["x", "--port", "70000"], "BAD_VALUE", /within 0..65535/],
    ["not a number", ["x", "--gain", "loud"], "BAD_VALUE", /--gain must be a number/],
    ["a choice not offered", ["x", "--transport", "sctp"], "BAD_VALUE", /one of udp, tcp/],
    ["a list item not offered", ["x", "--codec", "pcmu,g729"], "BAD_VALUE", /"g729"/],
    ["an empty value", ["x", "--name="], "BAD_VALUE", /non-empty/],
    ["a value on a switch", ["x", "--json=yes"], "BAD_VALUE", /takes no value/],
    ["a missing positional", ["--json"], "MISSING_ARGUMENT", /missing URI/],
    ["an extra positional", ["a", "b", "c"], "EXTRA_ARGUMENT", /"c"/],
  ];
  for (const [what, argv, code, message] of bad) {
    it(`refuses ${what} with ${code}`, () => {
      const e = thrown(() => parseArgs(argv, SPEC)) as CliUsageError;
      expect(e).toBeInstanceOf(CliUsageError);
      expect(e.code).toBe(code);
      expect(e.message).toMatch(message);
    });
  }

  it("prints every flag, its placeholder and the positionals in --help", () => {
    const text = helpText(SPEC);
    expect(text.split("\n")[0]).toBe("siphon demo URI [EXTRA] [flags]");
    expect(text).toContain("--transport udp|tcp");
    expect(text).toContain("-j, --json");
    expect(text).toContain("-h, --help");
  });
});

describe("defineCommand and the dispatcher", () => {
  const demo = defineCommand(SPEC, async ({ flags, positionals }, io) => {
    if (positionals[0] === "fail") throw new Error("it broke");
    if (positionals[0] === "late") throw new CliUsageError("BAD_VALUE", "URI late is refused");
    io.out(`port ${flags.port ?? "-"}\n`);
    return 0;
  });

  it("runs the body with the parsed flags (exit 0)", async () => {
    const m = memoryIo();
    expect(await runCli(["demo", "x", "--port", "7"], m.io, [demo])).toBe(0);
    expect(m.stdout()).toBe("port 7\n");
  });

  it("a usage error from parsing or from the body: a message on stderr and exit 2", async () => {
    const m = memoryIo();
    expect(await runCli(["demo", "x", "--port", "-1"], m.io, [demo])).toBe(2);
    expect(m.stderr()).toMatch(/^siphon demo: --port must be within 0..65535, not -1\nRun 'siphon demo --help'/);
    const m2 = memoryIo();
    expect(await runCli(["demo", "late"], m2.io, [demo])).toBe(2);
    expect(m2.stderr()).toContain("URI late is refused");
  });

  it("a failure inside the body: its message on stderr and exit 1", async () => {
    const m = memoryIo();
    expect(await runCli(["demo", "fail"], m.io, [demo])).toBe(1);
    expect(m.stderr()).toBe("siphon demo: it broke\n");
    expect(m.stdout()).toBe("");
  });

  it("siphon --help lists the commands (exit 0); no command prints it on stderr (exit 2)", async () => {
    const m = memoryIo();
    expect(await runCli(["--help"], m.io, [demo])).toBe(0);
    expect(m.stdout()).toMatch(/demo\s+a demo command/);
    const m2 = memoryIo();
    expect(await runCli([], m2.io, [demo])).toBe(2);
    expect(m2.stderr()).toContain("Usage: siphon <command>");
  });

  it("siphon CMD --help and siphon help CMD print the command's help (exit 0)", async () => {
    for (const argv of [["demo", "--help"], ["help", "demo"]]) {
      const m = memoryIo();
      expect(await runCli(argv, m.io, [demo])).toBe(0);
      expect(m.stdout()).toBe(helpText(SPEC));
    }
  });

  it("an unknown command, or a flag before the command: exit 2 with the list", async () => {
    const m = memoryIo();
    expect(await runCli(["dial", "x"], m.io, [demo])).toBe(2);
    expect(m.stderr()).toMatch(/unknown command 'dial'\nCommands: demo/);
    const m2 = memoryIo();
    expect(await runCli(["--json", "demo"], m2.io, [demo])).toBe(2);
    expect(m2.stderr()).toContain("flags go after the command");
  });

  it("every command of the table prints its help without loading a runtime", async () => {
    const commands = cliCommands({ loadRuntime: () => Promise.reject(new Error("no runtime in this test")), localAddresses: () => [] });
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) {
      const m = memoryIo();
      expect(await c.run(["--help"], m.io)).toBe(0);
      expect(m.stdout()).toContain(`siphon ${c.name}`);
    }
  });
});
