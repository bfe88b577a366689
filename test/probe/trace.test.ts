/** Trace files: what each exchange becomes on disk, and reading them back byte-exact. */
import { describe, expect, it } from 'vitest';
import { decodeEas, easFromXml, encodeEas } from '../../src/eas/wbxml.ts';
import { readTrace, redactHeaders, traceFiles, type TraceExchange } from '../../src/probe/trace.ts';

const folderSync = encodeEas(easFromXml('<FolderSync xmlns="FolderHierarchy"><SyncKey>0</SyncKey></FolderSync>'));
const sendMail = encodeEas(
  easFromXml('<SendMail xmlns="ComposeMail"><ClientId>x-1</ClientId><Mime>U3ViamVjdDogaGkNCg0KaGk=</Mime></SendMail>'),
);

function exchange(over: Partial<TraceExchange>): TraceExchange {
  return {
    cmd: 'FolderSync',
    method: 'POST',
    url: 'https://mail.example.test/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=alice',
    requestHeaders: [
      ['authorization', 'Basic YWxpY2U6c2VjcmV0'],
      ['content-type', 'application/vnd.ms-sync.wbxml'],
    ],
    requestBytes: folderSync,
    status: 200,
    responseHeaders: [['content-type', 'application/vnd.ms-sync.wbxml']],
    responseBytes: new Uint8Array(0),
    ms: 12.6,
    ...over,
  };
}

function asMap(files: readonly { name: string; content: string }[]): Map<string, string> {
  return new Map(files.map((f) => [f.name, f.content]));
}

describe('probe trace files', () => {
  it('writes a numbered .json with status and headers, and the WBXML body as XML', () => {
    const files = traceFiles(7, exchange({}));
    expect(files.map((f) => f.name)).toEqual(['0007-FolderSync.json', '0007-FolderSync.request.xml']);
    const meta = JSON.parse(files[0]!.content) as Record<string, unknown>;
    expect(meta).toMatchObject({
      n: 7,
      cmd: 'FolderSync',
      method: 'POST',
      status: 200,
      ms: 13,
      request: { form: 'wbxml', file: '0007-FolderSync.request.xml' },
      response: { form: 'none' },
      requestHeaders: ['authorization: Basic <redacted>', 'content-type: application/vnd.ms-sync.wbxml'],
      responseHeaders: ['content-type: application/vnd.ms-sync.wbxml'],
    });
    expect(files[1]!.content).toContain('<FolderSync xmlns="FolderHierarchy">');
    expect(files[1]!.content).toContain('<SyncKey>0</SyncKey>');
  });

  it('never writes credentials', () => {
    const files = traceFiles(1, exchange({ responseHeaders: [['Set-Cookie', 'session=abc']] }));
    const all = files.map((f) => f.content).join('\n');
    expect(all).not.toContain('YWxpY2U6c2VjcmV0');
    expect(all).not.toContain('session=abc');
    expect(
      redactHeaders([
        ['Authorization', 'Bearer tok'],
        ['Cookie', 'a=b'],
        ['X-Other', 'kept'],
      ]),
    ).toEqual([
      ['Authorization', 'Bearer <redacted>'],
      ['Cookie', '<redacted>'],
      ['X-Other', 'kept'],
    ]);
  });

  it('keeps text bodies as text, undecodable bodies as base64, and reads every form back to the same bytes', () => {
    const html = new TextEncoder().encode('<html>Service Unavailable</html>');
    const broken = Uint8Array.of(0x03, 0x01, 0x6a, 0x00, 0x45, 0xff);
    const entries = [
      exchange({
        cmd: 'SendMail',
        requestBytes: sendMail,
        status: 503,
        responseHeaders: [['content-type', 'text/html']],
        responseBytes: html,
      }),
      exchange({ cmd: 'Sync', responseBytes: broken }),
      exchange({
        cmd: 'Autodiscover',
        requestHeaders: [['content-type', 'text/xml']],
        requestBytes: new TextEncoder().encode('<Autodiscover/>'),
      }),
    ];
    const files = entries.flatMap((x, i) => traceFiles(i + 1, x));
    expect(files.map((f) => f.name)).toEqual([
      '0001-SendMail.json',
      '0001-SendMail.request.xml',
      '0001-SendMail.response.html',
      '0002-Sync.json',
      '0002-Sync.request.xml',
      '0002-Sync.response.b64',
      '0003-Autodiscover.json',
      '0003-Autodiscover.request.xml',
    ]);
    const back = readTrace(asMap(files));
    expect(back.map((e) => [e.meta.n, e.meta.cmd, e.meta.response.form])).toEqual([
      [1, 'SendMail', 'text'],
      [2, 'Sync', 'binary'],
      [3, 'Autodiscover', 'none'],
    ]);
    // The MIME inside SendMail is opaque: it survives the XML form as base64.
    expect(decodeEas(back[0]!.requestBytes)).toEqual(decodeEas(sendMail));
    expect(back[0]!.responseBytes).toEqual(html);
    expect(back[1]!.responseBytes).toEqual(broken);
    expect(new TextDecoder().decode(back[2]!.requestBytes)).toBe('<Autodiscover/>');
  });

  it('orders exchanges by number and names a missing body file', () => {
    const files = [...traceFiles(10, exchange({})), ...traceFiles(9, exchange({ cmd: 'Ping' }))];
    expect(readTrace(asMap(files)).map((e) => e.meta.n)).toEqual([9, 10]);
    const missing = asMap(files);
    missing.delete('0010-FolderSync.request.xml');
    expect(() => readTrace(missing)).toThrow('trace file 0010-FolderSync.request.xml is missing');
  });
});
