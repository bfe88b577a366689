import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSendMail, parseSendMail } from '../../../src/eas/commands/sendmail.ts';
import { EasProtocolError, type EasContext } from '../../../src/eas/command.ts';
import { decodeEas, easFromXml, encodeEas } from '../../../src/eas/wbxml.ts';
import { el, kid, ns, textOf, type El } from '../../../src/wbxml/tree.ts';
import { SHARED_FIXTURES } from '../../support/corpus.ts';
import { noLibwbxml } from '../../support/shared.ts';

const cm = ns('ComposeMail');
const v121: EasContext = { version: '12.1' };
const v140: EasContext = { version: '14.0' };
const v141: EasContext = { version: '14.1' };
const v161: EasContext = { version: '16.1' };
const mime = new TextEncoder().encode('From: a@example.com\r\nTo: b@example.com\r\nSubject: Hi\r\n\r\nHello\r\n');

const noFixtures = noLibwbxml('the SendMail tests on libwbxml documents');
const fixture = (name: string): El => easFromXml(readFileSync(join(SHARED_FIXTURES, name), 'utf8'));

describe('buildSendMail, 14.0+ WBXML form', () => {
  it('sends ClientId, SaveInSentItems and the message as opaque Mime bytes', () => {
    const req = buildSendMail({ clientId: '633724606026842453', mime, saveInSentItems: true }, v141);
    expect(req.cmd).toBe('SendMail');
    expect(req.params).toBeUndefined();
    expect(req.body).toEqual(cm('SendMail', cm('ClientId', '633724606026842453'), cm('SaveInSentItems'), cm('Mime', mime)));
  });

  it('leaves SaveInSentItems out when the copy is not wanted', () => {
    const body = buildSendMail({ clientId: '1', mime }, v140).body as El;
    expect(body.children.map((c) => (c as El).name)).toEqual(['ClientId', 'Mime']);
  });

  it('adds AccountId and rm:TemplateID from 14.1', () => {
    const body = buildSendMail({ clientId: '7', mime, accountId: '2', templateId: 'tmpl-guid' }, v161).body as El;
    expect(body).toEqual(
      cm('SendMail', cm('ClientId', '7'), cm('AccountId', '2'), cm('Mime', mime), el('RightsManagement', 'TemplateID', 'tmpl-guid')),
    );
  });

  it('refuses AccountId and TemplateID on 14.0, which does not know them', () => {
    expect(() => buildSendMail({ clientId: '1', mime, accountId: '2' }, v140)).toThrow(EasProtocolError);
    expect(() => buildSendMail({ clientId: '1', mime, templateId: 't' }, v140)).toThrow(/14\.1/);
  });

  it('checks the ClientId length (1 to 40 characters)', () => {
    expect(() => buildSendMail({ clientId: '', mime }, v141)).toThrow(EasProtocolError);
    expect(() => buildSendMail({ clientId: 'x'.repeat(41), mime }, v141)).toThrow(/40/);
    expect(() => buildSendMail({ clientId: 'x'.repeat(40), mime }, v141)).not.toThrow();
  });

  it('survives a WBXML round trip with the MIME bytes intact', () => {
    const body = buildSendMail({ clientId: '1', mime, saveInSentItems: true }, v161).body as El;
    const back = decodeEas(encodeEas(body));
    expect(back).toEqual(body);
    expect(kid(back, 'Mime')?.children[0]).toBeInstanceOf(Uint8Array);
  });

  it
    .skipIf(noFixtures)
    .each(['activesync-030-sendmail-request.xml', 'activesync-031-sendmail-request.xml', 'activesync-032-formatted-base64.xml'])(
    'builds the same request as the libwbxml fixture %s',
    (name) => {
      const doc = fixture(name);
      // libwbxml spells the tag MIME; the XML reader maps it to MS-ASWBXML's Mime and decodes the base64.
      const fixtureMime = kid(doc, 'Mime')?.children[0] as Uint8Array;
      const built = buildSendMail({ clientId: textOf(kid(doc, 'ClientId')), mime: fixtureMime, saveInSentItems: true }, v141).body as El;
      expect(built).toEqual(doc);
      expect(new TextDecoder().decode(fixtureMime)).toMatch(/^From: /);
    },
  );
});

describe('buildSendMail, 12.1 form', () => {
  it('sends the raw MIME message and SaveInSent=T in the query', () => {
    const req = buildSendMail({ clientId: 'ignored-before-14', mime, saveInSentItems: true }, v121);
    expect(req).toEqual({ cmd: 'SendMail', body: { mime }, params: { SaveInSent: 'T' } });
  });

  it('sends no query parameters when the copy is not wanted', () => {
    expect(buildSendMail({ clientId: '1', mime }, v121)).toEqual({ cmd: 'SendMail', body: { mime } });
  });

  it('refuses AccountId, which 12.1 cannot carry', () => {
    expect(() => buildSendMail({ clientId: '1', mime, accountId: '2' }, v121)).toThrow(EasProtocolError);
  });
});

describe('parseSendMail', () => {
  it('reads an empty HTTP body as success', () => {
    expect(parseSendMail(null, v141)).toEqual({ ok: true });
  });

  it('reads a SendMail element without Status as success', () => {
    expect(parseSendMail(cm('SendMail'), v141)).toEqual({ ok: true });
  });

  it('reads a failure status', () => {
    expect(parseSendMail(cm('SendMail', cm('Status', '120')), v141)).toEqual({ ok: false, status: 120 });
    expect(parseSendMail(cm('SendMail', cm('Status', '118')), v161)).toEqual({ ok: false, status: 118 });
  });

  it('reads a decoded WBXML error response', () => {
    const bytes = encodeEas(cm('SendMail', cm('Status', '115')));
    expect(parseSendMail(decodeEas(bytes), v141)).toEqual({ ok: false, status: 115 });
  });

  it('rejects a response for another command', () => {
    expect(() => parseSendMail(cm('SmartReply', cm('Status', '120')), v141)).toThrow(EasProtocolError);
  });
});
