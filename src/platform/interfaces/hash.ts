/** Hashing, off the UI thread where the platform allows. */
export interface Hasher {
  sha1(data: Uint8Array): Promise<Uint8Array>;
  sha256(data: Uint8Array): Promise<Uint8Array>;
  /**
   * SHA-1 of a whole buffer the caller lends out: the hasher may move it to another thread
   * (the caller's array is then detached) and gives the bytes back with the digest. Use the
   * returned `data` afterwards, never the array passed in. Optional: sha1() is the fallback.
   */
  sha1Transfer?(data: Uint8Array): Promise<{ digest: Uint8Array; data: Uint8Array }>;
}
