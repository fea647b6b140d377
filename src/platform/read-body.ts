/** Reading a fetch() response body within a size cap: shared by the Node and browser HTTP clients. */
import { NetError } from './interfaces/net.js';
import { concat } from '../engine/util/bytes.js';

/** Reads the body, refusing (and cancelling the download) once it passes maxBytes. */
export async function readBody(response: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const tooBig = (): NetError => new NetError('other', `GET ${url}: response larger than ${maxBytes} bytes`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooBig();
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooBig();
    }
    parts.push(value);
  }
  return parts.length === 1 ? parts[0]! : concat(parts);
}
