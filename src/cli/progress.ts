/**
 * How a command reports: on a terminal, one live status line rewritten in place, and lines for
 * what must stay; on a pipe, plain lines only; with `--json`, one JSON object per event.
 */
import type { CliIo } from "./command.ts";

/** A command's reporter. */
export interface Reporter {
  /** Something that stays on screen (a state change, a DTMF digit). `data` goes into the JSON. */
  event(type: string, text: string, data?: Record<string, unknown>): void;
  /** The live status (rewritten in place on a terminal; nothing elsewhere). */
  status(text: string): void;
  /** Ends the status line. */
  done(): void;
}

/** A reporter writing to `io`: JSON lines when `json`, a live line on a terminal, plain lines otherwise. */
export function createReporter(io: CliIo, json: boolean): Reporter {
  let live = false;
  const clear = () => {
    if (live) io.out("\r\x1b[2K");
    live = false;
  };
  return {
    event(type, text, data = {}) {
      if (json) {
        io.out(JSON.stringify({ event: type, ...data }) + "\n");
        return;
      }
      clear();
      io.out(text + "\n");
    },
    status(text) {
      if (json || !io.isTerminal) return;
      io.out(`\r\x1b[2K${text}`);
      live = true;
    },
    done() {
      if (live) io.out("\n");
      live = false;
    },
  };
}
