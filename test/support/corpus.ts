/**
 * Inputs for fuzzing: libwbxml's test documents in our encoding (where ../shared has them)
 * and in libwbxml's own (string-table form, stored here), and a synthetic Sync answer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { easFromXml, encodeEas } from '../../src/eas/wbxml.ts';
import { syncResponse } from '../../bench/synthetic.ts';
import { HAS_LIBWBXML, LIBWBXML_DIR, noLibwbxml } from './shared.ts';

const here = import.meta.dirname;
export const SHARED_FIXTURES = LIBWBXML_DIR;
/** The shared fixtures as xml2wbxml (libwbxml 0.11.8) encodes them: public id in the string table. */
export const LIBWBXML_ENCODED = resolve(here, '../fixtures/libwbxml-encoded');

/** libwbxml's documents; none where ../shared is absent. */
export function sharedFixtureNames(): string[] {
  if (!HAS_LIBWBXML) return [];
  return readdirSync(SHARED_FIXTURES)
    .filter((f) => f.endsWith('.xml'))
    .sort();
}

export function fuzzCorpus(): Uint8Array[] {
  noLibwbxml("libwbxml's documents in our encoding, in the fuzz corpus");
  const ours = sharedFixtureNames().map((f) => encodeEas(easFromXml(readFileSync(join(SHARED_FIXTURES, f), 'utf8'))));
  const theirs = readdirSync(LIBWBXML_ENCODED).map((f) => new Uint8Array(readFileSync(join(LIBWBXML_ENCODED, f))));
  return [...ours, ...theirs, encodeEas(syncResponse(3, 200))];
}
