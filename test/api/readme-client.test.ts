// README.md's "Making calls from code": the program for the runtime running this test, taken from the
// README as written (its Node program, with the Deno or Bun lines swapped in as the README says),
// its package specifiers pointed at this checkout's sources and its server address at a server
// started here with the embedded defaults (demo users, echo). The file it writes must hold the tone
// it sent, come back through the echo service.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { loadRuntime } from "../../runtimes/index.ts";
import { createSiphonServer, resolveConfig } from "../../src/engine/index.ts";
import type { SiphonServer } from "../../src/engine/index.ts";
import { analyseTone, parseWav } from "../../src/media/index.ts";
import { until } from "../runtimes/helpers.ts";

const runtime = await loadRuntime();
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const section = readme.slice(readme.indexOf("## Making calls from code"), readme.indexOf("\n## ", readme.indexOf("## Making calls from code") + 3));

/** The code block that follows `label` in the section. */
function blockAfter(label: string): string {
  const at = section.indexOf(label);
  if (at < 0) throw new Error(`README.md: no ${label} under "Making calls from code"`);
  const m = section.slice(at).match(/```(?:js|ts)\n([\s\S]*?)```/);
  if (!m) throw new Error(`README.md: no code block after ${label}`);
  return m[1]!;
}

const WRITE = /^await writeFile\("answer\.wav", .*$/m;

/** The README's program for `name`, as the README builds it from the Node one. */
export function programFor(name: string): string {
  const node = blockAfter("**Node**");
  if (name === "node") return node;
  if (name === "deno") {
    const lines = blockAfter("**Deno**").split("\n");
    const client = lines.find((l) => l.includes("/client"))!;
    const media = lines.find((l) => l.includes("/media"))!;
    const write = lines.find((l) => l.startsWith("await Deno.writeFile("))!;
    return node
      .replace(/^import \{ writeFile \} from "node:fs\/promises";\n/m, "")
      .replace(/^import \{ createUserAgent \} from .*$/m, client)
      .replace(/^import \{ encodeWav \} from .*$/m, media)
      .replace(WRITE, write);
  }
  const write = blockAfter("**Bun**").split("\n").find((l) => l.startsWith("await Bun.write("))!;
  return node.replace(WRITE, write);
}

const here = new URL("./", import.meta.url);
const tmp = new URL(`.readme-${runtime.name}-${Math.random().toString(36).slice(2)}/`, here);
let server: SiphonServer | undefined;
const logLines: string[] = [];

afterAll(async () => {
  await server?.stop({ graceMs: 0 });
  rmSync(tmp, { recursive: true, force: true });
});

describe(`README.md: the user agent program for ${runtime.name}`, () => {
  it("every runtime's program is the Node one with only its own lines changed", () => {
    const node = programFor("node");
    expect(node).toMatch(/from "@siphon\/siphon\/client";/);
    expect(node).toMatch(WRITE);
    const deno = programFor("deno");
    expect(deno).toContain('from "jsr:@siphon/siphon/client";');
    expect(deno).toContain("await Deno.writeFile(");
    expect(deno).not.toContain("node:fs");
    expect(programFor("bun")).toContain("await Bun.write(");
    // The rest is line for line the same.
    const changed = (a: string, b: string) => a.split("\n").filter((l) => !b.split("\n").includes(l)).length;
    expect(changed(deno, node)).toBe(3);
    expect(changed(programFor("bun"), node)).toBe(1);
  });

  it("RFC 3261 §13, RFC 3550: it calls echo through the server, and the WAV file it writes holds its 440 Hz tone", async () => {
    const rtpBase = 34000 + 2 * Math.floor(Math.random() * 1500);
    server = await createSiphonServer(
      resolveConfig({
        file: {
          path: "readme.yaml",
          text: `sip: {port: 0, wsPort: null}\nhttp: {port: null}\nstorage: {kind: memory}\nmedia: {rtpPorts: "${rtpBase}-${rtpBase + 399}"}\nlog: {level: warn}\n`,
        },
      }),
      { runtime, write: (l) => void logLines.push(l) },
    );
    expect(server.demoUsers?.map((u) => `${u.username}/${u.password}`)).toContain("alice/alice-demo");
    mkdirSync(tmp, { recursive: true });
    const wav = new URL("answer.wav", tmp);
    const source = (layer: string) => new URL(`../../src/${layer}/index.ts`, import.meta.url).href;
    const program = programFor(runtime.name)
      .replace(/"(?:jsr:)?@siphon\/siphon\/(\w+)"/g, (_m, layer: string) => JSON.stringify(source(layer)))
      .replace('"sip:127.0.0.1:5060"', JSON.stringify(`sip:127.0.0.1:${server.addresses.sip.port}`))
      .replace('"answer.wav"', JSON.stringify(decodeURIComponent(wav.pathname)))
      .replace("console.log(", "(globalThis as { readmeCall?: unknown }).readmeCall = (");
    expect(program).not.toContain("@siphon/siphon");
    const file = new URL("call.ts", tmp);
    writeFileSync(file, program);
    await import(/* @vite-ignore */ file.href);

    const audio = parseWav(readFileSync(wav));
    expect(audio.channels).toBe(1);
    const frame = audio.sampleRate / 50;
    expect(audio.samples.length).toBeGreaterThan(audio.sampleRate * 2);
    // The middle second, 20 ms at a time: the echoed tone, clean.
    const snr: number[] = [];
    for (let at = audio.sampleRate; at + frame <= audio.sampleRate * 2; at += frame) {
      snr.push(analyseTone(audio.samples.subarray(at, at + frame), audio.sampleRate, 440).snrDb);
    }
    snr.sort((a, b) => a - b);
    expect(snr[snr.length >> 1]).toBeGreaterThan(15);
    await until(() => server!.calls().length === 0).catch((e: unknown) => {
      throw new Error(`calls left: ${JSON.stringify(server!.calls())}\n${logLines.join("")}`, { cause: e });
    });
  });
});
