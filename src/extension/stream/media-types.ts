/** Files a player page can try: by extension, with the type the stream endpoint sends. */
const MEDIA_TYPES: Readonly<Record<string, string>> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  mov: 'video/quicktime',
  ogv: 'video/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
};

function extension(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The Content-Type for a file's name; octet-stream when it is not a media file we know. */
export function mediaType(path: string): string {
  return Object.hasOwn(MEDIA_TYPES, extension(path)) ? MEDIA_TYPES[extension(path)]! : 'application/octet-stream';
}

export function isPlayable(path: string): boolean {
  return Object.hasOwn(MEDIA_TYPES, extension(path));
}

/** The player page for a torrent's file; the page reads these two parameters. */
export function playerUrl(infoHash: string, fileIndex: number): string {
  return `extension-ui/player.html?ih=${encodeURIComponent(infoHash)}&file=${fileIndex}`;
}

/** The stream endpoint the service worker answers (HTTP Range). */
export function streamPath(infoHash: string, fileIndex: number): string {
  return `/stream/${infoHash}/${fileIndex}`;
}

/** `/stream/<40 hex>/<index>` (optionally `/info`), or null. */
export function parseStreamPath(pathname: string): { infoHash: string; fileIndex: number; info: boolean } | null {
  const m = /^\/stream\/([0-9a-f]{40})\/(\d{1,7})(\/info)?$/.exec(pathname);
  if (!m) return null;
  return { infoHash: m[1]!, fileIndex: Number(m[2]), info: m[3] !== undefined };
}
