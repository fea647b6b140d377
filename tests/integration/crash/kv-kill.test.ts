// Resume data survives kill -9 in the middle of a write (issue 6: "a crash mid-write cannot
// corrupt it"). A child process saves values of random sizes (up to 2 MiB) under one key with the
// Node key-value store, as fast as it can, printing each sequence number once set() resolved; we
// SIGKILL it at random moments, 25 times. After every kill a fresh store must read either
// nothing (no set ever completed) or one whole value whose checksum holds, no older than the last
// set the child saw complete; no temporary file may show up as a key. Leftover temporaries prove
// kills landed inside set(). A store that wrote in place (truncate, then write) fails this.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NodeKeyValueStore } from '../../../src/platform/node/node-kv.js';
import { spawnProcess } from '../../interop/harness/processes.js';
import { REPO_ROOT, assertCliBuilt } from '../../interop/harness/torrentedge.js';
import { createWorkspace, type Workspace } from '../../interop/harness/workspace.js';

const KILLS = 25;
const KEY = 'resume/0123456789abcdef0123456789abcdef01234567';

let ws: Workspace;

beforeAll(async () => {
  assertCliBuilt();
  ws = await createWorkspace('kv-kill');
});

afterAll(async () => {
  await ws?.cleanup();
});

/** The child: value = seq (u32) | length (u32) | payload | sha256(seq | length | payload). */
const WRITER = `
import { createHash, randomBytes } from 'node:crypto';
const { NodeKeyValueStore } = await import(process.argv[2]);
const store = new NodeKeyValueStore(process.argv[3]);
const key = process.argv[4];
let seq = Number(process.argv[5]);
const pool = randomBytes(4 * 1024 * 1024);
process.stdout.write('started\\n');
for (;;) {
  const length = Math.random() < 0.3 ? Math.floor(Math.random() * 64) : Math.floor(Math.random() * 2 * 1024 * 1024);
  const body = Buffer.alloc(8 + length);
  body.writeUInt32BE(seq, 0);
  body.writeUInt32BE(length, 4);
  const from = Math.floor(Math.random() * (pool.length - length));
  pool.copy(body, 8, from, from + length);
  const digest = createHash('sha256').update(body).digest();
  await store.set(key, new Uint8Array(Buffer.concat([body, digest])));
  process.stdout.write('done ' + seq + '\\n');
  seq++;
}
`;

function decodeValue(value: Uint8Array): { seq: number; valid: boolean } {
  const bytes = Buffer.from(value);
  if (bytes.length < 8 + 32) return { seq: -1, valid: false };
  const length = bytes.readUInt32BE(4);
  const body = bytes.subarray(0, bytes.length - 32);
  const digest = createHash('sha256').update(body).digest();
  return { seq: bytes.readUInt32BE(0), valid: body.length === 8 + length && digest.equals(bytes.subarray(bytes.length - 32)) };
}

describe('node key-value store under kill -9', () => {
  it(`${KILLS} kills at random moments while values up to 2 MiB are saved: never a torn value, never an older one`, async () => {
    const script = join(ws.root, 'writer.mjs');
    await writeFile(script, WRITER);
    const module = pathToFileURL(join(REPO_ROOT, 'build', 'src', 'platform', 'node', 'node-kv.js')).href;
    const dir = await ws.dir('kv');
    let lastDone = -1;
    let killsInsideSet = 0;
    const seen: string[] = [];
    let temporaries = new Set<string>();
    for (let kill = 0; kill < KILLS; kill++) {
      const writer = spawnProcess(`writer-${kill}`, process.execPath, [script, module, dir, KEY, String(lastDone + 1)], { logDir: ws.logDir });
      await writer.waitForLine('started', 10_000, 'stdout');
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 300));
      writer.signal('SIGKILL');
      await writer.waitForExit(5_000);
      const done = writer.stdoutLines.filter((l) => l.startsWith('done ')).map((l) => Number(l.slice(5)));
      if (done.length > 0) lastDone = done[done.length - 1]!;

      const names = await readdir(dir);
      const leftovers = new Set(names.filter((n) => n.includes('.tmp-')));
      if ([...leftovers].some((n) => !temporaries.has(n))) killsInsideSet++;
      temporaries = leftovers;
      const store = new NodeKeyValueStore(dir);
      expect(await store.keys(), `keys after kill ${kill} (files: ${names.join(', ')})`).toEqual(lastDone >= 0 ? [KEY] : []);
      const value = await store.get(KEY);
      if (lastDone < 0) {
        expect(value, 'nothing was ever saved').toBeUndefined();
        continue;
      }
      expect(value, `kill ${kill}: the key vanished`).toBeDefined();
      const { seq, valid } = decodeValue(value!);
      expect(valid, `kill ${kill}: torn value (seq ${seq}, ${value!.length} bytes)`).toBe(true);
      // The set in progress may or may not have landed; anything older than the last completed one is a loss.
      expect(seq, `kill ${kill}: read seq ${seq}, the writer had completed ${lastDone}`).toBeGreaterThanOrEqual(lastDone);
      expect(seq).toBeLessThanOrEqual(lastDone + 1);
      lastDone = seq;
      seen.push(`${seq}:${value!.length}`);
    }
    console.log(`kv kill: ${KILLS} kills, ${killsInsideSet} left a temporary file (killed inside set()), ${lastDone + 1} values saved; last values read ${seen.slice(-5).join(' ')}`);
    expect(killsInsideSet, 'kills that landed inside set()').toBeGreaterThanOrEqual(KILLS / 5);
  }, 120_000);
});
