/**
 * Mutation fuzzing of the WBXML decoder, shared by the CI test (100k inputs) and
 * `npm run fuzz` (long runs). Seeded: any failure prints the seed and iteration,
 * and `npm run fuzz -- --seed S --from I` replays it.
 */
import { decodeEas, easFromXml, easToXml, encodeEas } from '../../src/eas/wbxml.ts';
import { WbxmlError, XmlFormError } from '../../src/wbxml/errors.ts';

/** mulberry32: small, fast, seedable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x04, 0x40, 0x43, 0x44, 0x7f, 0x80, 0x83, 0x84, 0xc3, 0xc4, 0xff, 0x45, 0x05];

type Mutation = (input: Uint8Array, rnd: () => number, corpus: Uint8Array[]) => Uint8Array;

const pick = <T>(list: readonly T[], rnd: () => number): T => list[Math.floor(rnd() * list.length)] as T;
const at = (n: number, rnd: () => number): number => Math.floor(rnd() * Math.max(1, n));

const MUTATIONS: Mutation[] = [
  (x, r) => withByte(x, at(x.length, r), (x[at(x.length, r)] ?? 0) ^ (1 << at(8, r))),
  (x, r) => withByte(x, at(x.length, r), pick(INTERESTING, r)),
  (x, r) => withByte(x, at(x.length, r), at(256, r)),
  (x, r) => x.slice(0, at(x.length, r)),
  (x, r) => splice(x, at(x.length, r), at(8, r), new Uint8Array(0)),
  (x, r) =>
    splice(
      x,
      at(x.length, r),
      0,
      Uint8Array.from({ length: 1 + at(6, r) }, () => pick(INTERESTING, r)),
    ),
  (x, r) => splice(x, at(x.length, r), 0, new Uint8Array([0xc3, 0x8f, 0xff, 0xff, 0x7f])),
  (x, r) => {
    const from = at(x.length, r);
    return splice(x, at(x.length, r), 0, x.slice(from, from + 1 + at(32, r)));
  },
  (x, r, corpus) => {
    const other = pick(corpus, r);
    return concat(x.slice(0, at(x.length, r)), other.slice(at(other.length, r)));
  },
];

function withByte(x: Uint8Array, i: number, b: number): Uint8Array {
  const out = x.slice();
  if (i < out.length) out[i] = b & 0xff;
  return out;
}

function splice(x: Uint8Array, i: number, remove: number, insert: Uint8Array): Uint8Array {
  return concat(concat(x.slice(0, i), insert), x.slice(i + remove));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function mutate(input: Uint8Array, rnd: () => number, corpus: Uint8Array[]): Uint8Array {
  let x = input;
  const rounds = 1 + at(4, rnd);
  for (let i = 0; i < rounds; i++) x = pick(MUTATIONS, rnd)(x, rnd, corpus);
  return x;
}

export interface FuzzStats {
  runs: number;
  decoded: number;
  rejected: number;
  reencoded: number;
}

/** Thrown when something other than a typed codec error escapes, or a round trip breaks. */
export class FuzzFailure extends Error {}

/** One input through decode, re-encode, decode again and the XML form. */
export function fuzzOne(input: Uint8Array, stats: FuzzStats): void {
  stats.runs++;
  let tree;
  try {
    tree = decodeEas(input);
  } catch (e) {
    if (e instanceof WbxmlError) {
      stats.rejected++;
      return;
    }
    throw e;
  }
  stats.decoded++;
  let again: Uint8Array;
  try {
    again = encodeEas(tree);
  } catch (e) {
    if (e instanceof WbxmlError) return; // e.g. a LITERAL tag no page knows
    throw e;
  }
  stats.reencoded++;
  const second = decodeEas(again);
  if (!sameBytes(encodeEas(second), again)) throw new FuzzFailure('re-encoding is not stable');
  try {
    easFromXml(easToXml(tree));
  } catch (e) {
    if (!(e instanceof XmlFormError) && !(e instanceof WbxmlError)) throw e;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function runFuzz(corpus: Uint8Array[], seed: number, iterations: number, from = 0): FuzzStats {
  const stats: FuzzStats = { runs: 0, decoded: 0, rejected: 0, reencoded: 0 };
  for (let i = from; i < from + iterations; i++) {
    const rnd = prng(seed * 1_000_003 + i);
    const input = mutate(pick(corpus, rnd), rnd, corpus);
    try {
      fuzzOne(input, stats);
    } catch (e) {
      const hex = Buffer.from(input).toString('hex');
      throw new FuzzFailure(`seed ${seed} iteration ${i}: ${(e as Error).stack ?? String(e)}\ninput: ${hex}`);
    }
  }
  return stats;
}
