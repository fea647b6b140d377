/**
 * The engine's `KeyValueStore` on IndexedDB (database `torrentedge`, object store `kv`).
 * Each set() is one put in its own transaction: IndexedDB commits a transaction whole or not
 * at all, which is the atomicity the interface asks for.
 */
import type { IDBPDatabase } from 'idb';
import { IdbConnection } from './idb-connection.js';
import type { KeyValueStore } from '../interfaces/kv.js';

export interface IdbKeyValueStoreOptions {
  dbName?: string;
  /**
   * 'relaxed' commits once the data is handed to the OS: it survives the browser being killed,
   * not a power cut, and costs no fsync per resume-data write. 'strict' survives both.
   */
  durability?: IDBTransactionDurability;
}

export const IDB_KV_DEFAULTS = {
  dbName: 'torrentedge',
  durability: 'relaxed',
} as const satisfies Required<IdbKeyValueStoreOptions>;

const STORE = 'kv';

export class IdbKeyValueStore implements KeyValueStore {
  private constructor(
    private readonly connection: IdbConnection,
    private readonly durability: IDBTransactionDurability,
  ) {}

  static async open(options: IdbKeyValueStoreOptions = {}): Promise<IdbKeyValueStore> {
    const connection = new IdbConnection(options.dbName ?? IDB_KV_DEFAULTS.dbName, (db) => db.createObjectStore(STORE));
    await connection.open();
    return new IdbKeyValueStore(connection, options.durability ?? IDB_KV_DEFAULTS.durability);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const value: unknown = await this.run((db) => db.get(STORE, key));
    if (value === undefined) return undefined;
    if (value instanceof Uint8Array) return value;
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    return undefined;
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    // slice(): IndexedDB clones a view's whole buffer, and cannot store a SharedArrayBuffer.
    const copy = value.slice();
    await this.run(async (db) => {
      const tx = db.transaction(STORE, 'readwrite', { durability: this.durability });
      await Promise.all([tx.store.put(copy, key), tx.done]);
    });
  }

  async delete(key: string): Promise<void> {
    await this.run(async (db) => {
      const tx = db.transaction(STORE, 'readwrite', { durability: this.durability });
      await Promise.all([tx.store.delete(key), tx.done]);
    });
  }

  async keys(prefix = ''): Promise<string[]> {
    const upper = prefixUpperBound(prefix);
    const range =
      prefix === '' ? undefined : upper === undefined ? IDBKeyRange.lowerBound(prefix) : IDBKeyRange.bound(prefix, upper, false, true);
    const keys = await this.run((db) => db.getAllKeys(STORE, range));
    return keys.filter((key): key is string => typeof key === 'string');
  }

  close(): void {
    this.connection.close();
  }

  private run<T>(fn: (db: IDBPDatabase) => Promise<T>): Promise<T> {
    return this.connection.run(fn);
  }
}

/**
 * The smallest string greater than every string starting with `prefix` (exclusive bound), or
 * undefined when there is none. Keys compare by UTF-16 code units, so bump the last unit that
 * is not 0xFFFF and drop what follows it.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const unit = prefix.charCodeAt(i);
    if (unit < 0xffff) return prefix.slice(0, i) + String.fromCharCode(unit + 1);
  }
  return undefined;
}
