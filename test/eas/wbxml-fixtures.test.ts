/**
 * The codec against the libwbxml fixtures and against libwbxml itself (Debian's
 * xml2wbxml / wbxml2xml), in both directions, plus the CI-sized fuzz run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEGACY_SPELLINGS } from '../../src/eas/codepages.ts';
import { decodeEas, easFromXml, easToXml, encodeEas } from '../../src/eas/wbxml.ts';
import type { El } from '../../src/wbxml/tree.ts';
import { LIBWBXML_ENCODED, SHARED_FIXTURES, sharedFixtureNames } from '../support/corpus.ts';
import { noLibwbxml } from '../support/shared.ts';

const tmp = mkdtempSync(join(tmpdir(), 'wbxml-xcheck-'));
const fixture = (name: string) => readFileSync(join(SHARED_FIXTURES, name), 'utf8');

/** Runs xml2wbxml on a tree's XML form (libwbxml reads namespaces as "Ns:"). */
function libEncode(xml: string): Uint8Array {
  const inFile = join(tmp, 'in.xml');
  const outFile = join(tmp, 'out.wbxml');
  writeFileSync(inFile, xml);
  execFileSync('xml2wbxml', ['-o', outFile, inFile], { stdio: 'ignore' });
  return new Uint8Array(readFileSync(outFile));
}

function libDecode(bytes: Uint8Array): string {
  const inFile = join(tmp, 'in.wbxml');
  const outFile = join(tmp, 'out.xml');
  writeFileSync(inFile, bytes);
  execFileSync('wbxml2xml', ['-l', 'ACTIVESYNC', '-m', '0', '-o', outFile, inFile], { stdio: 'ignore' });
  return readFileSync(outFile, 'utf8');
}

/**
 * Where libwbxml 0.11.8's tables differ from MS-ASWBXML, the spec wins: these are libwbxml's
 * names for tokens the spec names otherwise (ns → libwbxml name → MS-ASWBXML name). Our XML
 * reader accepts them (LEGACY_SPELLINGS); decoding always gives the spec's name.
 */
const LIBWBXML_DEVIATIONS: Record<string, Record<string, string>> = {
  Email: { 'Reply-To': 'ReplyTo' },
  Calendar: {
    TimeZone: 'Timezone',
    DTStamp: 'DtStamp',
    Organizer_Name: 'OrganizerName',
    Organizer_Email: 'OrganizerEmail',
    Attendee_Email: 'Email',
    Attendee_Name: 'Name',
    Attendee_Status: 'AttendeeStatus',
    Attendee_Type: 'AttendeeType',
  },
  ComposeMail: { MIME: 'Mime' },
  Provision: { DeviceEncryptionEnabled: 'RequireStorageCardEncryption' },
};

/** libwbxml spells the GAL namespace "Gal". */
const LIBWBXML_NAMESPACES: Record<string, string> = { GAL: 'Gal' };

/** Our tree's XML form as libwbxml reads it: "Ns:" namespaces, libwbxml's tag names, a DOCTYPE. */
function forLibwbxml(tree: El): string {
  const rename = (e: El): El => {
    const theirs = Object.entries(LIBWBXML_DEVIATIONS[e.ns] ?? {}).find(([, ours]) => ours === e.name)?.[0];
    return {
      ns: e.ns,
      name: theirs ?? e.name,
      children: e.children.map((c) => (typeof c === 'object' && !(c instanceof Uint8Array) ? rename(c) : c)),
    };
  };
  const xml = easToXml(rename(tree), { declaration: false }).replace(
    /xmlns="([^"]+)"/g,
    (_, ns: string) => `xmlns="${LIBWBXML_NAMESPACES[ns] ?? ns}:"`,
  );
  return `<?xml version="1.0"?>\n<!DOCTYPE ActiveSync PUBLIC "-//MICROSOFT//DTD ActiveSync//EN" "http://www.microsoft.com/">\n${xml}`;
}

describe('libwbxml fixtures', () => {
  const absent = noLibwbxml("the codec against libwbxml's documents");
  for (const name of sharedFixtureNames()) {
    it(`${name}: XML form → WBXML → tree → XML form is lossless`, () => {
      const tree = easFromXml(fixture(name));
      const bytes = encodeEas(tree);
      expect(decodeEas(bytes)).toEqual(tree);
      expect(easFromXml(easToXml(tree))).toEqual(tree);
      expect(encodeEas(decodeEas(bytes))).toEqual(bytes);
    });

    it(`${name}: libwbxml's encoding decodes to the same tree`, () => {
      const theirs = new Uint8Array(readFileSync(join(LIBWBXML_ENCODED, name.replace(/\.xml$/, '.wbxml'))));
      expect(decodeEas(theirs)).toEqual(easFromXml(fixture(name)));
    });

    it(`${name}: wbxml2xml reads our encoding back to the same tree`, () => {
      const tree = easFromXml(fixture(name));
      expect(easFromXml(libDecode(encodeEas(tree)))).toEqual(tree);
    });

    it(`${name}: xml2wbxml of our XML form decodes to the same tree`, () => {
      const tree = easFromXml(fixture(name));
      expect(decodeEas(libEncode(forLibwbxml(tree)))).toEqual(tree);
    });
  }

  it('accepts every listed libwbxml spelling as the spec name', () => {
    for (const [ns, names] of Object.entries(LIBWBXML_DEVIATIONS)) {
      for (const [theirs, ours] of Object.entries(names)) expect(LEGACY_SPELLINGS[ns]?.[theirs], `${ns}:${theirs}`).toBe(ours);
    }
  });

  it.skipIf(absent)('has a stored libwbxml encoding for every fixture', () => {
    expect(readdirSync(LIBWBXML_ENCODED).length).toBe(sharedFixtureNames().length);
  });
});
