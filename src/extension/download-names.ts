/**
 * File names chrome.downloads accepts. `chrome.downloads.download` refuses ("Invalid filename")
 * a relative path with any part that is not a safe portable name (Chromium's
 * net/base/filename_util IsSafePortablePathComponent), and one refused file fails the whole
 * torrent's delivery. The engine's sanitized paths are safe for OPFS and for Node, but Chromium
 * is stricter, so each part is mapped once more, here only:
 * - characters illegal anywhere (base/i18n/file_util_icu): `"~*:<>?\|/`, controls (Cc), format
 *   characters (Cf: bidi marks, zero-width spaces, soft hyphen), noncharacters, lone surrogates;
 * - dots and white space at either end (`.hidden`, `name.`, ` name`);
 * - Windows device names with any extension (CON, nul.txt, COM1, LPT9.log, CLOCK$) and the shell's
 *   magic files (desktop.ini, thumbs.db);
 * - shell-integrated extensions (.lnk, .local, .{CLSID}).
 * Long names are cut to DOWNLOAD_NAME_MAX_BYTES (extension kept): Chromium writes
 * `<name>.crdownload` first, and a name the file system cannot hold cancels the download.
 * Two parts that map to the same name are told apart by Chromium itself (conflictAction
 * 'uniquify').
 */

import { fitComponent, splitExtension } from '../engine/metainfo/path-sanitizer.js';

/** Room for ".crdownload" and a " (99)" Chromium adds on a clash, under the usual 255-byte limit. */
export const DOWNLOAD_NAME_MAX_BYTES = 200;

const ILLEGAL_ANYWHERE = /[\p{Cc}\p{Cf}\p{Cs}"~*:<>?\\|/\uFDD0-\uFDEF]/gu;
const AT_ENDS = /^[\s.]+|[\s.]+$/gu;
const DEVICE_NAMES = new Set(['con', 'prn', 'aux', 'nul', 'clock$', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`com${n}`, `lpt${n}`])]);
const MAGIC_NAMES = new Set(['desktop.ini', 'thumbs.db']);

function isNonCharacter(codePoint: number): boolean {
  return (codePoint & 0xfffe) === 0xfffe;
}

/** One path part as a name chrome.downloads takes; never empty, '.' or '..'. */
export function downloadName(part: string): string {
  let name = '';
  for (const char of part.replace(ILLEGAL_ANYWHERE, '_')) name += isNonCharacter(char.codePointAt(0)!) ? '_' : char;
  name = name.replace(AT_ENDS, (run, offset: number) => (offset === 0 ? '_' : ''));
  if (name === '' || name === '_') return '_';
  const dot = name.indexOf('.');
  const stem = dot < 0 ? name : name.slice(0, dot);
  if (DEVICE_NAMES.has(stem.toLowerCase()) || MAGIC_NAMES.has(name.toLowerCase())) name = `${stem}_${name.slice(stem.length)}`;
  const extension = /\.([^.]*)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  if (extension === 'lnk' || extension === 'local' || (extension.startsWith('{') && extension.endsWith('}'))) name = `${name}_`;
  const [base, ext] = splitExtension(name);
  return fitComponent(base, '', ext, DOWNLOAD_NAME_MAX_BYTES).replace(AT_ENDS, '') || '_';
}

/** An engine path (`<name>/<a>/<b>`, '/'-separated) as the relative path to download to. */
export function downloadPath(path: string): string {
  return path.split('/').map(downloadName).join('/');
}
