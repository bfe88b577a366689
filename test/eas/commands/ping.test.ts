import { describe, expect, it } from 'vitest';
import { buildPing, describePingStatus, parsePing, pingStatusText } from '../../../src/eas/commands/ping.ts';
import { EasProtocolError } from '../../../src/eas/command.ts';
import { decodeEas, easFromXml, encodeEas } from '../../../src/eas/wbxml.ts';
import type { El } from '../../../src/wbxml/tree.ts';
import { ns } from '../../../src/wbxml/tree.ts';

const p = ns('Ping');
const ctx = { version: '14.1' } as const;

describe('buildPing', () => {
  it('sends HeartbeatInterval then Folders with Id and Class', () => {
    const req = buildPing(
      {
        heartbeatInterval: 480,
        folders: [
          { id: '5', class: 'Email' },
          { id: '1', class: 'Calendar' },
        ],
      },
      ctx,
    );
    expect(req).toEqual({
      cmd: 'Ping',
      body: p(
        'Ping',
        p('HeartbeatInterval', '480'),
        p('Folders', p('Folder', p('Id', '5'), p('Class', 'Email')), p('Folder', p('Id', '1'), p('Class', 'Calendar'))),
      ),
    });
  });

  it('sends no body for an empty Ping (the server reuses the cached folders)', () => {
    expect(buildPing({}, ctx)).toEqual({ cmd: 'Ping' });
    expect(buildPing({ folders: [] }, ctx)).toEqual({ cmd: 'Ping' });
  });

  it('can change only the heartbeat', () => {
    expect(buildPing({ heartbeatInterval: 900 }, ctx).body).toEqual(p('Ping', p('HeartbeatInterval', '900')));
  });
});

describe('parsePing', () => {
  it('Status 1: heartbeat expired, nothing changed', () => {
    expect(parsePing(p('Ping', p('Status', '1')), ctx)).toEqual({
      status: 1,
      folders: [],
      maxFolders: undefined,
      heartbeatInterval: undefined,
    });
  });

  it('Status 2: lists the changed folders', () => {
    const r = parsePing(p('Ping', p('Status', '2'), p('Folders', p('Folder', '5'), p('Folder', '12'))), ctx);
    expect(r.status).toBe(2);
    expect(r.folders).toEqual(['5', '12']);
  });

  it('Status 5: the heartbeat limit to use', () => {
    const r = parsePing(p('Ping', p('Status', '5'), p('HeartbeatInterval', '3540')), ctx);
    expect(r).toEqual({ status: 5, folders: [], maxFolders: undefined, heartbeatInterval: 3540 });
  });

  it('Status 6: the most folders the server watches', () => {
    expect(parsePing(p('Ping', p('Status', '6'), p('MaxFolders', '300')), ctx).maxFolders).toBe(300);
  });

  it('reads every status code', () => {
    for (const code of Object.keys(describePingStatus).map(Number)) {
      expect(parsePing(p('Ping', p('Status', String(code))), ctx).status).toBe(code);
    }
    expect(Object.keys(describePingStatus)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(pingStatusText(7)).toBe('Folder hierarchy sync required');
    expect(pingStatusText(9)).toBe('Unknown Ping status 9');
  });

  it('throws without Status or body', () => {
    expect(() => parsePing(p('Ping'), ctx)).toThrow(EasProtocolError);
    expect(() => parsePing(null, ctx)).toThrow(/empty response body/);
  });
});

describe('Ping on the wire', () => {
  it('round-trips a request and parses an XML response', () => {
    const body = buildPing(
      {
        heartbeatInterval: 470,
        folders: [
          { id: '5', class: 'Email' },
          { id: '9', class: 'Contacts' },
        ],
      },
      ctx,
    ).body as El;
    expect(decodeEas(encodeEas(body))).toEqual(body);
    const r = parsePing(easFromXml('<Ping xmlns="Ping"><Status>2</Status><Folders><Folder>9</Folder></Folders></Ping>'), ctx);
    expect(r).toEqual({ status: 2, folders: ['9'], maxFolders: undefined, heartbeatInterval: undefined });
  });
});
