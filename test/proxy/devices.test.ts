/** What the relay learns from a device's own requests: who it is (plain and base64 query), its folders, what it syncs. */
import { describe, expect, it } from 'vitest';
import { encodeBase64Query } from '../../src/eas/query.ts';
import { DeviceBook, deviceKey, easRequestInfo } from '../../src/proxy/devices.ts';
import { memoryStore } from '../../src/proxy/state.ts';
import { wbxml } from './support.ts';

const buf = (xml: string): Buffer => Buffer.from(wbxml(xml));

function folderSyncAnswer(key: string, changes: string): Buffer {
  return buf(
    `<FolderSync xmlns="FolderHierarchy"><Status>1</Status><SyncKey>${key}</SyncKey><Changes><Count>1</Count>${changes}</Changes></FolderSync>`,
  );
}

const add = (id: string, type: number, name: string): string =>
  `<Add><ServerId>${id}</ServerId><ParentId>0</ParentId><DisplayName>${name}</DisplayName><Type>${type}</Type></Add>`;

describe('easRequestInfo', () => {
  it('reads the plain query and the headers', () => {
    expect(
      easRequestInfo('?Cmd=Sync&User=alice&DeviceId=abc123&DeviceType=WebApp', { 'ms-asprotocolversion': '16.1', 'x-ms-policykey': '42' }),
    ).toEqual({ cmd: 'Sync', deviceId: 'abc123', deviceType: 'WebApp', version: '16.1', policyKey: '42' });
    expect(easRequestInfo('?Cmd=Sync&User=alice', {})).toBeUndefined();
  });

  it('reads the base64 query (MS-ASHTTP 2.2.1.1.1.1), policy key included', () => {
    const q = encodeBase64Query({
      version: '14.1',
      cmd: 'Ping',
      locale: 0x409,
      deviceId: 'dev-b64',
      policyKey: 3942919513,
      deviceType: 'WebApp',
      params: { User: 'alice' },
    });
    expect(easRequestInfo(`?${q}`, {})).toEqual({
      cmd: 'Ping',
      deviceId: 'dev-b64',
      deviceType: 'WebApp',
      version: '14.1',
      policyKey: '3942919513',
    });
    expect(easRequestInfo('?not-base64!', {})).toBeUndefined();
  });
});

describe('DeviceBook', () => {
  const key = deviceKey('alice', 'd1');

  it('follows the hierarchy through FolderSync and watches the synced Inbox and user mail folders, Inbox first', () => {
    const book = new DeviceBook(memoryStore);
    book.folderSync(
      key,
      buf('<FolderSync xmlns="FolderHierarchy"><SyncKey>0</SyncKey></FolderSync>'),
      folderSyncAnswer('1', add('5', 5, 'Sent') + add('9', 8, 'Calendar') + add('12', 12, 'Projects') + add('2', 2, 'Inbox')),
    );
    for (const id of ['5', '9', '12', '2']) {
      book.syncRequest(
        key,
        buf(
          `<Sync xmlns="AirSync"><Collections><Collection><SyncKey>1</SyncKey><CollectionId>${id}</CollectionId></Collection></Collections></Sync>`,
        ),
      );
    }
    expect(book.watchable(key)).toEqual([
      { id: '2', class: 'Email' },
      { id: '12', class: 'Email' },
    ]);
    // An incremental FolderSync deletes Projects; a failed one (Status 9) changes nothing.
    book.folderSync(
      key,
      buf('<FolderSync xmlns="FolderHierarchy"><SyncKey>1</SyncKey></FolderSync>'),
      folderSyncAnswer('2', '<Delete><ServerId>12</ServerId></Delete>'),
    );
    book.folderSync(
      key,
      buf('<FolderSync xmlns="FolderHierarchy"><SyncKey>2</SyncKey></FolderSync>'),
      buf('<FolderSync xmlns="FolderHierarchy"><Status>9</Status></FolderSync>'),
    );
    expect(book.watchable(key)).toEqual([{ id: '2', class: 'Email' }]);
    expect(book.get(key)?.synced).toEqual(['5', '9', '2']);
    // SyncKey 0 starts afresh: folders not in the new answer are gone.
    book.folderSync(
      key,
      buf('<FolderSync xmlns="FolderHierarchy"><SyncKey>0</SyncKey></FolderSync>'),
      folderSyncAnswer('1', add('7', 2, 'Inbox')),
    );
    expect(book.watchable(key)).toEqual([]);
    expect(book.get(key)?.synced).toEqual([]);
  });

  it('ignores bodies that are not WBXML', () => {
    const book = new DeviceBook(memoryStore);
    book.folderSync(key, Buffer.from('junk'), Buffer.from('<html>'));
    expect(book.syncRequest(key, Buffer.from([3, 1, 106, 0, 0xff]))).toEqual([]);
    expect(book.watchable(key)).toEqual([]);
  });
});
