/**
 * Where finished files go, as the user chose in options: the browser's Downloads folder (the
 * default) or a folder picked with the File System Access API. The choice and the folder's
 * directory handle live in IndexedDB (handles are structured-cloneable; chrome.storage cannot
 * hold them), read by the options page (which writes it) and the offscreen document (which
 * copies into the folder). Same extension origin, same database.
 */
import type { IDBPDatabase } from 'idb';
import { IdbConnection } from '../platform/browser/idb-connection.js';

/** Chromium's File System Access extras that TypeScript's DOM library does not declare. */
export interface FolderPermissionDescriptor {
  mode: 'read' | 'readwrite';
}
export type PermissionAwareHandle = FileSystemDirectoryHandle & {
  queryPermission(descriptor: FolderPermissionDescriptor): Promise<PermissionState>;
  requestPermission(descriptor: FolderPermissionDescriptor): Promise<PermissionState>;
};

export type DeliveryMode = 'downloads' | 'folder';

export interface DeliverySetting {
  mode: DeliveryMode;
  /** The picked folder; kept when the user switches back to Downloads, to offer it again. */
  folder?: PermissionAwareHandle;
}

export const DELIVERY_DB = { name: 'torrentedge-delivery', store: 'settings', plans: 'plans', key: 'location' } as const;
export const READ_WRITE: FolderPermissionDescriptor = { mode: 'readwrite' };

const connection = new IdbConnection(DELIVERY_DB.name, (database) => {
  database.createObjectStore(DELIVERY_DB.store);
  database.createObjectStore(DELIVERY_DB.plans);
});

/** `fn` on the delivery database (a connection the browser closed is replaced: idb-connection.ts). */
export function withDeliveryDb<T>(fn: (db: IDBPDatabase) => Promise<T>): Promise<T> {
  return connection.run(fn);
}

export async function loadDeliverySetting(): Promise<DeliverySetting> {
  const value: unknown = await withDeliveryDb((db) => db.get(DELIVERY_DB.store, DELIVERY_DB.key));
  if (!value || typeof value !== 'object') return { mode: 'downloads' };
  const stored = value as Partial<DeliverySetting>;
  const folder = stored.folder && typeof stored.folder === 'object' && stored.folder.kind === 'directory' ? stored.folder : undefined;
  return { mode: stored.mode === 'folder' && folder ? 'folder' : 'downloads', folder };
}

export async function saveDeliverySetting(setting: DeliverySetting): Promise<void> {
  await withDeliveryDb((db) => db.put(DELIVERY_DB.store, { mode: setting.mode, folder: setting.folder }, DELIVERY_DB.key));
}

/** 'granted', 'prompt' or 'denied' for writing; a handle that cannot be asked counts as 'prompt'. */
export async function folderPermission(folder: PermissionAwareHandle): Promise<PermissionState> {
  try {
    return await folder.queryPermission(READ_WRITE);
  } catch {
    return 'prompt';
  }
}
