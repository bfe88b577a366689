import { describe, expect, it } from 'vitest';
import { buildSmartReply, parseSmartReply } from '../../../src/eas/commands/smartreply.ts';
import { EasProtocolError, type EasContext } from '../../../src/eas/command.ts';
import { decodeEas, encodeEas } from '../../../src/eas/wbxml.ts';
import { el, ns, type El } from '../../../src/wbxml/tree.ts';

const cm = ns('ComposeMail');
const v121: EasContext = { version: '12.1' };
const v140: EasContext = { version: '14.0' };
const v141: EasContext = { version: '14.1' };
const v161: EasContext = { version: '16.1' };
const mime = new TextEncoder().encode('To: b@example.com\r\nSubject: RE: Hi\r\n\r\nThanks\r\n');
const occurrence = new Date(Date.UTC(2010, 2, 20, 22, 40));

describe('buildSmartReply, 14.0+ WBXML form', () => {
  it('identifies the original by folder and item id', () => {
    const req = buildSmartReply({ clientId: 'r1', source: { folderId: '5', itemId: '5:12' }, mime, saveInSentItems: true }, v141);
    expect(req.cmd).toBe('SmartReply');
    expect(req.body).toEqual(
      cm(
        'SmartReply',
        cm('ClientId', 'r1'),
        cm('Source', cm('FolderId', '5'), cm('ItemId', '5:12')),
        cm('SaveInSentItems'),
        cm('Mime', mime),
      ),
    );
  });

  it('identifies the original by the LongId of a Search result, without FolderId/ItemId', () => {
    const body = buildSmartReply({ clientId: 'r2', source: { longId: 'RgAAAAD%2b' }, mime }, v140).body as El;
    expect(body.children[1]).toEqual(cm('Source', cm('LongId', 'RgAAAAD%2b')));
  });

  it('names an occurrence with InstanceId as a punctuated dateTime, and sends ReplaceMime', () => {
    const body = buildSmartReply(
      { clientId: 'r3', source: { folderId: '1', itemId: '1:4', instanceId: occurrence }, mime, replaceMime: true },
      v161,
    ).body as El;
    expect(body).toEqual(
      cm(
        'SmartReply',
        cm('ClientId', 'r3'),
        cm('Source', cm('FolderId', '1'), cm('ItemId', '1:4'), cm('InstanceId', '2010-03-20T22:40:00.000Z')),
        cm('ReplaceMime'),
        cm('Mime', mime),
      ),
    );
  });

  it('puts AccountId after Source and TemplateID last (14.1+)', () => {
    const body = buildSmartReply({ clientId: 'r4', source: { itemId: '5:1' }, mime, accountId: 'acc', templateId: 't' }, v141).body as El;
    expect(body.children.map((c) => `${(c as El).ns}:${(c as El).name}`)).toEqual([
      'ComposeMail:ClientId',
      'ComposeMail:Source',
      'ComposeMail:AccountId',
      'ComposeMail:Mime',
      'RightsManagement:TemplateID',
    ]);
  });

  it('survives a WBXML round trip', () => {
    const body = buildSmartReply({ clientId: 'r5', source: { longId: 'L' }, mime, replaceMime: true }, v141).body as El;
    expect(decodeEas(encodeEas(body))).toEqual(body);
  });
});

describe('buildSmartReply, 12.1 form', () => {
  it('puts ItemId, CollectionId and SaveInSent in the query and sends raw MIME', () => {
    const req = buildSmartReply({ clientId: 'x', source: { folderId: '5', itemId: '5:12' }, mime, saveInSentItems: true }, v121);
    expect(req).toEqual({
      cmd: 'SmartReply',
      body: { mime },
      params: { ItemId: '5:12', CollectionId: '5', SaveInSent: 'T' },
    });
  });

  it('passes LongId and Occurrence as query parameters', () => {
    expect(buildSmartReply({ clientId: 'x', source: { longId: 'L1' }, mime }, v121).params).toEqual({ LongId: 'L1' });
    expect(buildSmartReply({ clientId: 'x', source: { itemId: '5:1', instanceId: occurrence }, mime }, v121).params).toEqual({
      ItemId: '5:1',
      Occurrence: '2010-03-20T22:40:00.000Z',
    });
  });

  it('refuses ReplaceMime, which 12.1 cannot express', () => {
    expect(() => buildSmartReply({ clientId: 'x', source: { itemId: '1' }, mime, replaceMime: true }, v121)).toThrow(EasProtocolError);
  });
});

describe('parseSmartReply', () => {
  it('reads an empty body as success', () => {
    expect(parseSmartReply(null, v141)).toEqual({ ok: true });
  });

  it('reads 117 (reply not allowed) and 150 (original not found)', () => {
    expect(parseSmartReply(cm('SmartReply', cm('Status', '117')), v141)).toEqual({ ok: false, status: 117 });
    expect(parseSmartReply(cm('SmartReply', cm('Status', '150')), v161)).toEqual({ ok: false, status: 150 });
  });

  it('rejects a root from another namespace', () => {
    expect(() => parseSmartReply(el('AirSync', 'SmartReply'), v141)).toThrow(EasProtocolError);
  });
});
