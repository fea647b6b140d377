/**
 * A small durable key-value store for resume data (bitfields, priorities, stats) and settings.
 * set() must be atomic: after a crash at any moment, get() returns the old or the new value,
 * never a torn one.
 */
export interface KeyValueStore {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  keys(prefix?: string): Promise<string[]>;
}
