/** Hashing, off the UI thread where the platform allows. */
export interface Hasher {
  sha1(data: Uint8Array): Promise<Uint8Array>;
  sha256(data: Uint8Array): Promise<Uint8Array>;
}
