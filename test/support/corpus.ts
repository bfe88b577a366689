/** Inputs for fuzzing: the libwbxml fixtures in our encoding and in libwbxml's own (string-table form). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { easFromXml, encodeEas } from '../../src/eas/wbxml.ts';
import { syncResponse } from '../../bench/synthetic.ts';

const here = import.meta.dirname;
export const SHARED_FIXTURES = resolve(here, '../../../shared/fixtures/libwbxml');
/** The shared fixtures as xml2wbxml (libwbxml 0.11.8) encodes them: public id in the string table. */
export const LIBWBXML_ENCODED = resolve(here, '../fixtures/libwbxml-encoded');

export function sharedFixtureNames(): string[] {
  return readdirSync(SHARED_FIXTURES).filter((f) => f.endsWith('.xml')).sort();
}

export function fuzzCorpus(): Uint8Array[] {
  const ours = sharedFixtureNames().map((f) => encodeEas(easFromXml(readFileSync(join(SHARED_FIXTURES, f), 'utf8'))));
  const theirs = readdirSync(LIBWBXML_ENCODED).map((f) => new Uint8Array(readFileSync(join(LIBWBXML_ENCODED, f))));
  return [...ours, ...theirs, encodeEas(syncResponse(3, 200))];
}
