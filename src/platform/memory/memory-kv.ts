/** The engine's `KeyValueStore` in a Map. Values are copied in and out, as a disk would. */
import type { KeyValueStore } from '../interfaces/kv.js';

export class MemoryKeyValueStore implements KeyValueStore {
  private readonly map = new Map<string, Uint8Array>();

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.map.get(key)?.slice();
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    this.map.set(key, value.slice());
  }

  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }

  async keys(prefix = ''): Promise<string[]> {
    return [...this.map.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}
