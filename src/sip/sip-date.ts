/**
 * Date values (RFC 3261 §20.17): the rfc1123-date form in GMT, parsed and formatted.
 */
import { fail, run } from "./failure.ts";

const WKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function twoDigits(text: string, pos: number): number {
  const a = text.charCodeAt(pos) - 0x30;
  const b = text.charCodeAt(pos + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Parses a Date value (RFC 3261 §20.17): only the rfc1123-date form, in GMT:
 *
 *     rfc1123-date = wkday "," SP date1 SP time SP "GMT"
 *     date1        = 2DIGIT SP month SP 4DIGIT
 *     time         = 2DIGIT ":" 2DIGIT ":" 2DIGIT
 *
 * Returns milliseconds since the Unix epoch. Another zone (RFC 4475 §3.1.2.12 baddate, `EST`) or a
 * day that does not exist in the month is BAD_HEADER_VALUE. The weekday is checked for form only.
 * @throws SipParseError with the value code and the character offset of the problem.
 */
export function parseSipDate(text: string): number {
  return run(readSipDate, text);
}

/** @internal {@link parseSipDate} inside src/sip. */
export function readSipDate(text: string): number {
  const s = text.trim();
  const bad = (): never => fail("BAD_HEADER_VALUE", "Date must be rfc1123-date in GMT", 0);
  // "Fri, 01 Jan 2010 16:00:00 GMT" is exactly 29 characters.
  if (s.length !== 29 || s[3] !== "," || s[4] !== " " || s[7] !== " " || s[11] !== " " || s[16] !== " ") bad();
  if (s[19] !== ":" || s[22] !== ":" || s[25] !== " " || s.slice(26) !== "GMT") bad();
  if (!WKDAYS.includes(s.slice(0, 3))) bad();
  const day = twoDigits(s, 5);
  const month = MONTHS.indexOf(s.slice(8, 11));
  const y1 = twoDigits(s, 12);
  const y2 = twoDigits(s, 14);
  const h = twoDigits(s, 17);
  const mi = twoDigits(s, 20);
  const sec = twoDigits(s, 23);
  if (month < 0 || y1 < 0 || y2 < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) bad();
  const year = y1 * 100 + y2;
  const d = new Date(0);
  d.setUTCFullYear(year, month + 1, 0); // day 0 of the next month: the last day of this one
  if (day < 1 || day > d.getUTCDate()) bad();
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(h, mi, sec, 0);
  return d.getTime();
}

/** Formats milliseconds since the epoch as an RFC 3261 §20.17 Date value (`Sat, 13 Nov 2010 23:29:00 GMT`). */
export function formatSipDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
  return (
    `${WKDAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCFullYear(), 4)} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`
  );
}
