/** What contentLength reads of a torrent's metadata. */
export interface SizedMeta {
  readonly totalLength: number;
  readonly files?: readonly { readonly length: number; readonly padding: boolean }[];
}

/**
 * The torrent's bytes less its BEP 47 padding files: what users see as its size, and the
 * seed-ratio base (padding is zeros nobody downloads: PadBlocks skips it). O(files).
 */
export function contentLength(meta: SizedMeta): number {
  let padding = 0;
  if (meta.files) for (const file of meta.files) if (file.padding) padding += file.length;
  return meta.totalLength - padding;
}
