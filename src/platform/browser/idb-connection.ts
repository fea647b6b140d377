/**
 * One IndexedDB connection that survives the browser closing it. Chromium closes a connection
 * when the disk fills; idb reports `terminated`, and until then every `transaction()` on it
 * throws InvalidStateError ("The database connection is closing"). `run()` drops such a connection
 * and runs the call once more on a new one, so reads and writes work again once space returns.
 */
import { openDB, type IDBPDatabase } from 'idb';

export class IdbConnection {
  private db: Promise<IDBPDatabase> | undefined;
  private closed = false;

  constructor(
    private readonly name: string,
    private readonly upgrade: (db: IDBPDatabase) => void,
  ) {}

  /** The open connection (opened on first use, and again after the browser closed it). */
  open(): Promise<IDBPDatabase> {
    if (this.closed) return Promise.reject(new Error(`the database ${this.name} is closed`));
    this.db ??= openDB(this.name, 1, {
      upgrade: (db) => this.upgrade(db),
      terminated: () => {
        this.db = undefined;
      },
    }).catch((error: unknown) => {
      this.db = undefined;
      throw error;
    });
    return this.db;
  }

  async run<T>(fn: (db: IDBPDatabase) => Promise<T>): Promise<T> {
    const opened = this.open();
    const db = await opened;
    try {
      return await fn(db);
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'InvalidStateError') || this.closed) throw error;
      if (this.db === opened) {
        this.db = undefined;
        db.close();
      }
      return fn(await this.open());
    }
  }

  close(): void {
    this.closed = true;
    void this.db?.then((db) => db.close(), () => undefined);
    this.db = undefined;
  }
}
