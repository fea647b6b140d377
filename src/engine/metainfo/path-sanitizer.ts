/**
 * File names from a torrent are hostile input: they decide where bytes land on disk. Hostile
 * names are not refused but made safe, one component at a time, so that a path can never leave
 * the download folder and is legal on Windows, macOS and Linux alike.
 */
import { DEFAULT_METAINFO_LIMITS } from './limits.js';

const encoder = new TextEncoder();

// C0 and C1 controls and DEL, and the bidi controls that make "exe.txt" display as "txt.exe".
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const DRIVE = /^[A-Za-z]:/;
const LEADING_SEPARATORS = /^[/\\]+/;
// Path separators inside one component, and the characters Windows forbids in names.
const FORBIDDEN = /[/\\<>:"|?*]/g;
const TRAILING_DOTS_SPACES = /[. ]+$/;
// Windows device names, reserved with any extension ("con.txt") and before trailing spaces.
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(?= *(\.|$))/i;

export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

/** Splits "name.ext" into ["name", ".ext"]; a leading dot (".profile") is not an extension. */
export function splitExtension(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
}

/**
 * Joins `stem + suffix + extension`, shortening the stem so the result fits `maxBytes` of UTF-8.
 * An extension too long to keep (over half the budget) is cut along with the rest.
 */
export function fitComponent(stem: string, suffix: string, extension: string, maxBytes: number): string {
  const whole = stem + suffix + extension;
  if (utf8Length(whole) <= maxBytes) return whole;
  const tailBytes = utf8Length(suffix + extension);
  if (tailBytes > maxBytes / 2) return truncateUtf8(whole, maxBytes).replace(TRAILING_DOTS_SPACES, '');
  const shortStem = truncateUtf8(stem, maxBytes - tailBytes).replace(TRAILING_DOTS_SPACES, '');
  return shortStem + suffix + extension;
}

/**
 * One path component made safe. Returns '' when nothing usable is left ("", ".", "..", "...")
 * and the caller drops it.
 */
export function sanitizeComponent(raw: string, maxBytes: number = DEFAULT_METAINFO_LIMITS.maxPathComponentLength): string {
  let name = raw.replace(INVISIBLE, '');
  name = name.replace(DRIVE, '').replace(LEADING_SEPARATORS, '');
  // Separators become '_' rather than vanishing, so "a/b" stays readable as one name: "a_b".
  name = name.replace(FORBIDDEN, '_');
  // Windows silently drops trailing dots and spaces, which would turn ".. " into "..".
  name = name.replace(TRAILING_DOTS_SPACES, '');
  if (name === '') return '';
  const reserved = RESERVED.exec(name);
  if (reserved) name = reserved[1]! + '_' + name.slice(reserved[1]!.length);
  const [stem, extension] = splitExtension(name);
  return fitComponent(stem, '', extension, maxBytes);
}

/** Every component sanitized; empty, `.` and `..` components are dropped, never followed. */
export function sanitizePath(components: readonly string[], maxBytes: number = DEFAULT_METAINFO_LIMITS.maxPathComponentLength): string[] {
  const out: string[] = [];
  for (const component of components) {
    const safe = sanitizeComponent(component, maxBytes);
    if (safe !== '') out.push(safe);
  }
  return out;
}
