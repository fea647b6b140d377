/**
 * Files from the page's inputs or a drop, with their paths: a folder input gives
 * `webkitRelativePath` ("folder/sub/a.txt"); a dropped folder is walked through its entries
 * (FileSystemDirectoryEntry), which works in extension pages without any permission prompt.
 */
import { CREATE_LIMITS, type PickedFile } from '../../src/extension/create/create-input.js';

export interface PickedEntry extends PickedFile {
  file: File;
}

export function fromInput(list: FileList | null): PickedEntry[] {
  return Array.from(list ?? [], (file) => ({ file, path: file.webkitRelativePath || file.name, length: file.size }));
}

/** Everything dropped: files, and folders walked to their files (stopping past the file limit). */
export async function fromDrop(transfer: DataTransfer): Promise<PickedEntry[]> {
  const entries = Array.from(transfer.items)
    .map((item) => item.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return fromInput(transfer.files);
  const out: PickedEntry[] = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}

async function walk(entry: FileSystemEntry, out: PickedEntry[]): Promise<void> {
  if (out.length > CREATE_LIMITS.maxFiles) return; // enough to say "too many"
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, path: entry.fullPath.replace(/^\//, ''), length: file.size });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (;;) {
    // readEntries returns the folder in batches; an empty batch ends it.
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const child of batch) await walk(child, out);
  }
}
