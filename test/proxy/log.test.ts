/** One log line per request, and no secret in any of them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBase64Query } from '../../src/eas/query.ts';
import { loggableTarget, maskUser } from '../../src/proxy/log.ts';
import { basic, easPath, makeDist, raw, startWithMock, wbxml, WBXML } from './support.ts';

let dist: Awaited<ReturnType<typeof makeDist>>;

beforeAll(async () => {
  dist = await makeDist();
});

afterAll(async () => {
  await dist.remove();
});

describe('request log', () => {
  it('writes one line per request and never a password, an Authorization, a cookie or a user name', async () => {
    const s = await startWithMock(dist.dist, { vault: true });
    const login = await raw(s.proxy.url, {
      method: 'POST',
      path: '/proxy/login',
      body: JSON.stringify({ user: 'alice', password: 'alicepass' }),
      headers: { 'Content-Type': 'application/json' },
    });
    const cookie = (login.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    const sessionValue = cookie.split('=')[1] ?? '';
    const b64 = encodeBase64Query({
      version: '14.1',
      cmd: 'FolderSync',
      locale: 0x409,
      deviceId: 'logdev',
      deviceType: 'test',
      params: { User: 'alice' },
    });
    const body = wbxml('<FolderSync xmlns="FolderHierarchy"><SyncKey>0</SyncKey></FolderSync>');
    const sent = [
      raw(s.proxy.url, {
        method: 'POST',
        path: `${easPath('FolderSync')}&Password=alicepass`,
        body,
        headers: { Cookie: cookie, 'Content-Type': WBXML, 'MS-ASProtocolVersion': '14.1' },
      }),
      raw(s.proxy.url, {
        method: 'POST',
        path: `/Microsoft-Server-ActiveSync?${b64}`,
        body,
        headers: { Cookie: cookie, 'Content-Type': WBXML },
      }),
      raw(s.proxy.url, {
        method: 'OPTIONS',
        path: '/Microsoft-Server-ActiveSync',
        headers: { Authorization: basic('alice', 'alicepass') },
      }),
      raw(s.proxy.url, { path: '/?user=alice&token=abc123', headers: { Cookie: cookie } }),
    ];
    const statuses = (await Promise.all(sent)).map((r) => r.status);
    expect(statuses).toEqual([200, 200, 401, 200]);
    await s.stop();
    expect(s.logs).toHaveLength(5);
    const text = s.logs.join('\n');
    for (const secret of ['alicepass', 'YWxpY2U6YWxpY2VwYXNz', sessionValue, 'alice', 'abc123', b64]) expect(text).not.toContain(secret);
    expect(text).toContain('login a***: session opened');
    expect(text).toContain('Cmd=FolderSync&User=a***&DeviceId=proxytest1&DeviceType=test&Password=***');
    expect(text).toContain('/Microsoft-Server-ActiveSync?[base64 Cmd=FolderSync] 200');
    expect(text).toContain('no vault session');
    expect(text).toMatch(/^\S+Z 127\.0\.0\.1 GET \/\?user=a\*\*\*&token=\*\*\* 200 \d+ms in=0 out=\d+$/m);
  });
});

describe('loggableTarget', () => {
  it('masks User and secret-looking parameters, keeps the rest', () => {
    expect(loggableTarget('/Microsoft-Server-ActiveSync?Cmd=Sync&User=EXAMPLE%5Cbob&DeviceId=d1&DeviceType=t')).toBe(
      '/Microsoft-Server-ActiveSync?Cmd=Sync&User=E***&DeviceId=d1&DeviceType=t',
    );
    expect(loggableTarget('/x?api_key=1&pwd=2&auth=3&q=4')).toBe('/x?api_key=***&pwd=***&auth=***&q=4');
    expect(loggableTarget('/plain')).toBe('/plain');
    expect(loggableTarget('/plain?')).toBe('/plain');
  });

  it('shows a base64 query by its command only, padded or not', () => {
    for (const deviceId of ['a', 'ab', 'abc']) {
      const q = encodeBase64Query({ version: '16.1', cmd: 'Ping', locale: 0x409, deviceId, deviceType: 'x', params: { User: 'carol' } });
      expect(loggableTarget(`/Microsoft-Server-ActiveSync?${q}`)).toBe('/Microsoft-Server-ActiveSync?[base64 Cmd=Ping]');
    }
  });

  it('masks a user name to its first character', () => {
    expect(maskUser('alice')).toBe('a***');
    expect(maskUser('élodie')).toBe('é***');
    expect(maskUser('')).toBe('');
  });
});
