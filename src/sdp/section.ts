import { isDirection } from "./direction.ts";
import type { SdpDirection } from "./direction.ts";
import { readFingerprint, readSetup } from "./dtls.ts";
import type { SdpFingerprint, SdpSetupRole } from "./dtls.ts";
import { readExtmap } from "./extmap.ts";
import type { SdpExtmap } from "./extmap.ts";
import type { SdpBandwidth, SdpConnection } from "./fields.ts";
import { parseIceOptions } from "./ice.ts";

/**
 * One a= line (RFC 8866 §5.13): `a=<name>` is a property attribute (`value` undefined), `a=<name>:<value>`
 * a value attribute (an empty value is kept as ""). Unknown attributes stay here, in their place.
 */
export interface SdpAttribute {
  name: string;
  value?: string | undefined;
}

/**
 * A line whose type letter this layer does not know, or a repeat of a single-valued line (a second
 * i=, u=, c=, z= or k=), kept verbatim. `at` is the number of the section's known lines written
 * before it, so that formatting puts it back in its place.
 */
export interface SdpExtraLine {
  type: string;
  value: string;
  at: number;
}

/**
 * What the session section and the media sections share: i=, c=, b=, k=, the attribute list and the
 * lines kept verbatim, with accessors that read and replace attributes without disturbing the
 * others.
 */
export abstract class SdpSection {
  /** i= (RFC 8866 §5.4). */
  information: string | undefined = undefined;
  /** c= (RFC 8866 §5.7). */
  connection: SdpConnection | undefined = undefined;
  /** b= lines (RFC 8866 §5.8). */
  bandwidths: SdpBandwidth[] = [];
  /** k= (RFC 8866 §5.12, obsolete), kept as text. */
  key: string | undefined = undefined;
  /** a= lines in their order. */
  attributes: SdpAttribute[] = [];
  /** Lines kept verbatim (see {@link SdpExtraLine}). */
  extraLines: SdpExtraLine[] = [];

  /** True when an attribute `name` is present. */
  hasAttribute(name: string): boolean {
    const a = this.attributes;
    for (let i = 0; i < a.length; i++) if (a[i]!.name === name) return true;
    return false;
  }

  /** The value of the first attribute `name` ("" for a property attribute), or undefined when absent. */
  attribute(name: string): string | undefined {
    const a = this.attributes;
    for (let i = 0; i < a.length; i++) if (a[i]!.name === name) return a[i]!.value ?? "";
    return undefined;
  }

  /** The values of every attribute `name`, in order. */
  attributeValues(name: string): string[] {
    const out: string[] = [];
    const a = this.attributes;
    for (let i = 0; i < a.length; i++) if (a[i]!.name === name) out.push(a[i]!.value ?? "");
    return out;
  }

  /** Appends an attribute. */
  addAttribute(name: string, value?: string): this {
    this.attributes.push(value === undefined ? { name } : { name, value });
    return this;
  }

  /**
   * Sets attribute `name` to `value`: the first occurrence is replaced in place and later ones are
   * removed; when there is none, it is appended. Other attributes keep their order.
   */
  setAttribute(name: string, value?: string): this {
    const a = this.attributes;
    let at = -1;
    for (let i = 0; i < a.length; i++) {
      if (a[i]!.name !== name) continue;
      if (at < 0) at = i;
      else a.splice(i--, 1);
    }
    const attr: SdpAttribute = value === undefined ? { name } : { name, value };
    if (at < 0) a.push(attr);
    else a[at] = attr;
    return this;
  }

  /** Removes every attribute `name`; returns how many were removed. */
  removeAttribute(name: string): number {
    const before = this.attributes.length;
    this.attributes = this.attributes.filter((x) => x.name !== name);
    return before - this.attributes.length;
  }

  /** The parsed values of every attribute `name` that `parse` accepts (malformed ones are skipped). */
  typedAttributes<T>(name: string, parse: (value: string) => T | undefined): T[] {
    const out: T[] = [];
    const a = this.attributes;
    for (let i = 0; i < a.length; i++) {
      if (a[i]!.name !== name) continue;
      const v = parse(a[i]!.value ?? "");
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  /** a=fingerprint lines (RFC 8122 §5), at this level. */
  fingerprints(): SdpFingerprint[] {
    return this.typedAttributes("fingerprint", readFingerprint);
  }

  /** a=setup (RFC 4145 §4), or undefined. */
  get setup(): SdpSetupRole | undefined {
    const v = this.attribute("setup");
    return v === undefined ? undefined : readSetup(v);
  }

  /** a=ice-ufrag (RFC 8839 §5.4), or undefined. */
  get iceUfrag(): string | undefined {
    return this.attribute("ice-ufrag");
  }

  /** a=ice-pwd (RFC 8839 §5.4), or undefined. */
  get icePwd(): string | undefined {
    return this.attribute("ice-pwd");
  }

  /** a=ice-options tokens (RFC 8839 §5.6); empty when absent. */
  get iceOptions(): string[] {
    const v = this.attribute("ice-options");
    return v === undefined ? [] : parseIceOptions(v);
  }

  /** a=extmap lines (RFC 8285 §8), at this level. */
  extmaps(): SdpExtmap[] {
    return this.typedAttributes("extmap", readExtmap);
  }

  /** The section's own direction attribute (RFC 8866 §6.7), or undefined when it has none. */
  get direction(): SdpDirection | undefined {
    const a = this.attributes;
    for (let i = 0; i < a.length; i++) {
      const n = a[i]!.name;
      if (a[i]!.value === undefined && isDirection(n)) return n;
    }
    return undefined;
  }

  /**
   * Replaces the direction attributes with one `d` (kept where the first one was), or removes them
   * when `d` is undefined.
   */
  set direction(d: SdpDirection | undefined) {
    const a = this.attributes;
    let at = -1;
    for (let i = 0; i < a.length; i++) {
      if (a[i]!.value !== undefined || !isDirection(a[i]!.name)) continue;
      if (at < 0) at = i;
      else a.splice(i--, 1);
    }
    if (d === undefined) {
      if (at >= 0) a.splice(at, 1);
    } else if (at < 0) a.push({ name: d });
    else a[at] = { name: d };
  }
}
