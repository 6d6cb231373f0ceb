/**
 * Prometheus text exposition (version 0.0.4): `# HELP`, `# TYPE`, then one line per sample with
 * its labels. The server fills a {@link MetricSet} from its counters at scrape time.
 */

/** One sample: its labels and value. */
export interface Sample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family. */
export interface Metric {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge";
  readonly samples: readonly Sample[];
}

/** Families in the order they are written. */
export type MetricSet = Metric[];

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

/** Writes the families as Prometheus text. */
export function formatMetrics(metrics: MetricSet): string {
  let out = "";
  for (const m of metrics) {
    out += `# HELP ${m.name} ${m.help.replace(/\n/g, " ")}\n# TYPE ${m.name} ${m.type}\n`;
    for (const s of m.samples) {
      const labels = s.labels === undefined ? "" : Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");
      const v = Number.isFinite(s.value) ? String(s.value) : s.value > 0 ? "+Inf" : s.value < 0 ? "-Inf" : "NaN";
      out += `${m.name}${labels === "" ? "" : `{${labels}}`} ${v}\n`;
    }
  }
  return out;
}

/** A family with one unlabelled sample. */
export function single(name: string, type: Metric["type"], help: string, value: number): Metric {
  return { name, type, help, samples: [{ value }] };
}

/** A family with one sample per entry of `values`, labelled `label`. */
export function labelled(name: string, type: Metric["type"], help: string, label: string, values: Readonly<Record<string, number>>): Metric {
  return { name, type, help, samples: Object.entries(values).map(([k, value]) => ({ labels: { [label]: k }, value })) };
}
