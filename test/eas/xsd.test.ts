/** The XSD validator that checks the mock's responses: it must accept valid and reject invalid documents. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { easFromXml, easToXml } from '../../src/eas/wbxml.ts';
import { SHARED_FIXTURES } from '../support/corpus.ts';
import { noLibwbxml, noXsds } from '../support/shared.ts';
import { validateResponse } from '../support/xsd.ts';

const canonical = (file: string) => easToXml(easFromXml(readFileSync(join(SHARED_FIXTURES, file), 'utf8')));

describe.skipIf(noXsds('the XSD validator tests'))('XSD validation of responses', () => {
  it
    .skipIf(noLibwbxml('the XSD validator on libwbxml documents'))
    .each(['activesync-021-folder_sync_initial_response.xml', 'activesync-040-search-response.xml'])(
    'accepts the server response %s',
    (file) => {
      const r = validateResponse(canonical(file));
      expect(r.errors).toBe('');
      expect(r.ok).toBe(true);
    },
  );

  it('accepts a Sync response with mail, and rejects one with its children out of order', () => {
    const good = `<Sync xmlns="AirSync"><Collections><Collection><SyncKey>2</SyncKey><CollectionId>5</CollectionId><Status>1</Status>
      <Commands><Add><ServerId>5:1</ServerId><ApplicationData><Subject xmlns="Email">x</Subject><Read xmlns="Email">1</Read></ApplicationData></Add></Commands>
      </Collection></Collections></Sync>`;
    expect(validateResponse(good).ok).toBe(true);
    const bad = good.replace('<ServerId>5:1</ServerId><ApplicationData>', '<ApplicationData><ServerId>5:1</ServerId>');
    const r = validateResponse(bad);
    expect(r.ok).toBe(false);
    expect(r.errors).toMatch(/ServerId/);
  });

  it('rejects an unknown element and a document it has no schema for', () => {
    expect(validateResponse('<Ping xmlns="Ping"><Status>1</Status><Bogus/></Ping>').ok).toBe(false);
    expect(validateResponse('<Ping xmlns="Ping"><Status>2</Status><Folders><Folder>1</Folder></Folders></Ping>').ok).toBe(true);
    expect(validateResponse('<Nope xmlns="AirSync"/>').errors).toMatch(/no response schema/);
  });
});
