// A PCM WAV file Chromium plays in a <video> element (as audio), made without ffmpeg: a tone
// whose pitch changes every second, so every part of the file is different data.
import { writeFile } from 'node:fs/promises';

export const WAV_RATE = 44_100;
export const WAV_CHANNELS = 2;
/** Bytes per second of audio (16-bit samples). */
export const WAV_BYTE_RATE = WAV_RATE * WAV_CHANNELS * 2;

export async function writeWav(path: string, seconds: number): Promise<number> {
  const samples = Math.round(seconds * WAV_RATE);
  const dataBytes = samples * WAV_CHANNELS * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(WAV_CHANNELS, 22);
  out.writeUInt32LE(WAV_RATE, 24);
  out.writeUInt32LE(WAV_BYTE_RATE, 28);
  out.writeUInt16LE(WAV_CHANNELS * 2, 32); // block align
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples; i++) {
    const second = Math.floor(i / WAV_RATE);
    const freq = 220 + (second % 12) * 40;
    const v = Math.round(Math.sin((2 * Math.PI * freq * i) / WAV_RATE) * 8000);
    for (let c = 0; c < WAV_CHANNELS; c++) out.writeInt16LE(v, 44 + (i * WAV_CHANNELS + c) * 2);
  }
  await writeFile(path, out);
  return out.length;
}
