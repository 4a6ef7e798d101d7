/**
 * Test audio: a tone written as the S16LE 8 kHz mono WAV baresip's aufile module plays,
 * and the reading side — which tones a recording (baresip's sndfile dump of what it
 * decoded) holds. Each phone plays its own frequency, so hearing a frequency proves the
 * audio came from that phone and nowhere else.
 */
import fs from 'node:fs';

const RATE = 8000;

export function writeToneWav(file: string, hz: number, seconds: number): void {
  const samples = RATE * seconds;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i += 1) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / RATE)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([header, data]));
}

/** The 16-bit samples of a PCM WAV file (whatever chunks come before "data"). */
export function readWavSamples(file: string): Int16Array {
  const bytes = fs.readFileSync(file);
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    let size = bytes.readUInt32LE(offset + 4);
    if (id === 'data') {
      // A file still being written may say 0 (or too much): take what is there.
      const end = size === 0 || offset + 8 + size > bytes.length ? bytes.length : offset + 8 + size;
      const data = bytes.subarray(offset + 8, end - ((end - offset - 8) % 2));
      return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
    }
    if (size % 2 === 1) size += 1;
    offset += 8 + size;
  }
  return new Int16Array(0);
}

/** Goertzel: the amplitude of one frequency in the samples (an 8000-amplitude tone gives ~4000). */
export function toneLevel(samples: Int16Array, hz: number): number {
  if (samples.length === 0) return 0;
  const w = (2 * Math.PI * hz) / RATE;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s = x + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - c * s1 * s2)) / samples.length;
}

export interface Hearing {
  /** Seconds of decoded audio. */
  seconds: number;
  level: number;
}

/** How much of `hz` is in the recording (only the last `lastSeconds`, when given). */
export function hears(file: string, hz: number, lastSeconds?: number): Hearing {
  let samples = readWavSamples(file);
  if (lastSeconds !== undefined) samples = samples.subarray(Math.max(0, samples.length - lastSeconds * RATE));
  return { seconds: samples.length / RATE, level: toneLevel(samples, hz) };
}
