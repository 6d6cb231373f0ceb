/**
 * Splits a header field value that holds a comma-separated list (RFC 3261 §7.3.1: "Contact: a, b")
 * into its values, at commas outside quoted strings and angle brackets; each value is trimmed and
 * empty ones are left out. The values are text: parse each with the parser of its header.
 */
export function splitHeaderValues(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"' && value[i - 1] !== "\\") quoted = !quoted;
    else if (!quoted && c === "<") depth++;
    else if (!quoted && c === ">") depth--;
    else if (!quoted && depth === 0 && c === ",") {
      const one = value.slice(start, i).trim();
      if (one !== "") out.push(one);
      start = i + 1;
    }
  }
  const last = value.slice(start).trim();
  if (last !== "") out.push(last);
  return out;
}
