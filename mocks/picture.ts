/**
 * Small generated portraits for the demo's contact photos (MS-ASCNTC 2.2.2 Picture) and
 * GAL photos (MS-ASCMD 2.2.3.135.3): a 48×48 PNG, a head and shoulders in a tint of the
 * seed's hue. Written by hand (stored deflate blocks, no compression) because the mock
 * also runs in the browser's service worker, where node:zlib is not.
 */

const SIZE = 48;

/** CRC-32 (ISO 3309, as PNG chunks use it). */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const x of bytes) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

function chunk(type: string, data: Uint8Array): number[] {
  const body = Uint8Array.from([...type].map((c) => c.charCodeAt(0)).concat([...data]));
  return [...u32(data.length), ...body, ...u32(crc32(body))];
}

/** A zlib stream of stored (uncompressed) deflate blocks (RFC 1950, RFC 1951 3.2.4). */
function zlibStored(raw: Uint8Array): Uint8Array {
  const out: number[] = [0x78, 0x01];
  for (let at = 0; at < raw.length || at === 0; at += 65535) {
    const part = raw.subarray(at, at + 65535);
    const last = at + 65535 >= raw.length;
    out.push(last ? 1 : 0, part.length & 255, part.length >>> 8, ~part.length & 255, (~part.length >>> 8) & 255, ...part);
  }
  return Uint8Array.from([...out, ...u32(adler32(raw))]);
}

function rgb(hue: number, light: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (light - 0.45 * Math.min(light, 1 - light) * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** The portrait for `seed` as PNG bytes. */
export function portrait(seed: number): Uint8Array {
  const hue = (seed * 67) % 360;
  const back = rgb(hue, 0.8);
  const person = rgb(hue, 0.35);
  const raw = new Uint8Array(SIZE * (1 + SIZE * 3));
  for (let y = 0; y < SIZE; y++) {
    const row = y * (1 + SIZE * 3); // filter byte 0 (None) starts each row
    for (let x = 0; x < SIZE; x++) {
      const head = (x - 24) ** 2 + (y - 19) ** 2 <= 81;
      const shoulders = y >= 33 && (x - 24) ** 2 + ((y - 50) * 1.2) ** 2 <= 300;
      raw.set(head || shoulders ? person : back, row + 1 + x * 3);
    }
  }
  const header = Uint8Array.from([...u32(SIZE), ...u32(SIZE), 8, 2, 0, 0, 0]);
  return Uint8Array.from([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...chunk('IHDR', header),
    ...chunk('IDAT', zlibStored(raw)),
    ...chunk('IEND', new Uint8Array()),
  ]);
}
