/**
 * The probe against a mock with faults: each fault fails the case it concerns
 * (with the server's status as the detail), cases that need it are skipped, and
 * the others still pass.
 */
import { describe, expect, it } from 'vitest';
import { encodeEas } from '../../src/eas/wbxml.ts';
import { el } from '../../src/wbxml/tree.ts';
import { CASE_NAMES, intercept, newMock, probeMock, results } from './helpers.ts';

const WBXML = { 'Content-Type': 'application/vnd.ms-sync.wbxml' };

function wbxml(root: ReturnType<typeof el>): Response {
  return new Response(encodeEas(root), { status: 200, headers: WBXML });
}

/** Every case not named passes. */
function othersPass(r: Record<string, string>, named: readonly string[]): void {
  for (const name of CASE_NAMES.filter((n) => !named.includes(n))) expect([name, r[name]]).toEqual([name, 'pass']);
}

describe('eas probe with faults', () => {
  it('a server busy for Search (503) fails both Search cases with the HTTP status', async () => {
    const mock = newMock();
    const busy = intercept(mock.handle, (_r, cmd) =>
      cmd === 'Search' ? new Response(null, { status: 503, headers: { 'Retry-After': '30' } }) : undefined,
    );
    const report = await probeMock(busy);
    const r = results(report);
    expect(report.cases.filter((c) => c.result === 'fail').map((c) => [c.name, c.detail])).toEqual([
      ['Search Mailbox', 'HTTP 503'],
      ['Search GAL', 'HTTP 503'],
    ]);
    othersPass(r, ['Search Mailbox', 'Search GAL']);
  });

  it('a Ping that never reports changes (Status 1 at once) fails Ping only', async () => {
    const mock = newMock();
    const deaf = intercept(mock.handle, (_r, cmd) => (cmd === 'Ping' ? wbxml(el('Ping', 'Ping', el('Ping', 'Status', '1'))) : undefined));
    const report = await probeMock(deaf);
    const ping = report.cases.find((c) => c.name === 'Ping');
    expect(ping?.result).toBe('fail');
    expect(ping?.detail).toBe('the heartbeat expired (Status 1) without reporting the new mail');
    othersPass(results(report), ['Ping']);
  });

  it('a Ping that never answers fails when its time bound is reached', async () => {
    const mock = newMock();
    const silent = intercept(mock.handle, (r, cmd) => {
      if (cmd !== 'Ping') return undefined;
      return new Response(
        new ReadableStream({
          start(c) {
            r.signal.addEventListener('abort', () => c.error(r.signal.reason));
          },
        }),
        { headers: WBXML },
      );
    });
    const report = await probeMock(silent, { timing: { pollMs: 20, pingDelayMs: 50, deliveryMs: 5_000, caseMs: 300, heartbeat: 0.1 } });
    const ping = report.cases.find((c) => c.name === 'Ping');
    expect(ping).toMatchObject({ result: 'fail', detail: 'no result within 0.7 s' });
    expect(ping?.ms).toBeGreaterThanOrEqual(650);
    expect(results(report)['MeetingResponse']).toBe('pass');
  });

  it('SendMail refused (Status 120) fails SendMail and skips every case that needs a delivered mail', async () => {
    const mock = newMock();
    const refusing = intercept(mock.handle, (_r, cmd) =>
      cmd === 'SendMail' ? wbxml(el('ComposeMail', 'SendMail', el('ComposeMail', 'Status', '120'))) : undefined,
    );
    const report = await probeMock(refusing);
    const byName = Object.fromEntries(report.cases.map((c) => [c.name, c]));
    expect(byName['SendMail']).toMatchObject({ result: 'fail', detail: 'SendMail: Status 120 (The message could not be submitted)' });
    const dependent = [
      'Email: add/change/delete',
      'ItemOperations',
      'SmartReply',
      'MoveItems',
      'Search Mailbox',
      'Ping',
      'MeetingResponse',
    ];
    for (const name of dependent) expect(byName[name]).toMatchObject({ result: 'skipped', detail: 'needs SendMail (fail)' });
    othersPass(results(report), ['SendMail', ...dependent]);
  });

  it('commands missing from OPTIONS are "not supported", as are Status 137 and HTTP 501', async () => {
    const mock = newMock();
    const partial = intercept(mock.handle, (_r, cmd) => {
      if (cmd === 'ResolveRecipients') return wbxml(el('ResolveRecipients', 'ResolveRecipients', el('ResolveRecipients', 'Status', '137')));
      if (cmd === 'GetItemEstimate') return new Response('Not Implemented', { status: 501 });
      if (cmd !== 'OPTIONS') return undefined;
      return new Response(null, {
        headers: {
          'MS-ASProtocolVersions': '14.1,16.1',
          'MS-ASProtocolCommands':
            'Sync,SendMail,SmartReply,FolderSync,MoveItems,GetItemEstimate,Search,Settings,Ping,ItemOperations,Provision,ResolveRecipients',
        },
      });
    });
    const report = await probeMock(partial);
    const byName = Object.fromEntries(report.cases.map((c) => [c.name, c]));
    expect(byName['MeetingResponse']).toMatchObject({ result: 'not supported', detail: 'OPTIONS does not list MeetingResponse' });
    expect(byName['ResolveRecipients']).toMatchObject({
      result: 'not supported',
      detail: 'ResolveRecipients: Status 137 (The server does not support this command)',
    });
    expect(byName['Email: GetItemEstimate']).toMatchObject({ result: 'not supported', detail: 'HTTP 501 Not Implemented' });
    expect(report.summary.fail).toBe(0);
    // MeetingResponse, ResolveRecipients, and GetItemEstimate of the four classes.
    expect(report.summary.notSupported).toBe(6);
  });

  it.each([
    [
      '404',
      new Response('Not Found', { status: 404 }),
      'not supported',
      'HTTP 404 at http://mock.example.test/autodiscover/autodiscover.xml',
    ],
    [
      'a web page',
      new Response('<html><body>Welcome</body></html>', { headers: { 'Content-Type': 'text/html; charset=utf-8' } }),
      'not supported',
      'an HTML page (text/html; charset=utf-8) at http://mock.example.test/autodiscover/autodiscover.xml, not an Autodiscover answer',
    ],
    [
      'an Autodiscover Error',
      new Response(
        '<Autodiscover><Response><Error><ErrorCode>600</ErrorCode><Message>Invalid Request</Message></Error></Response></Autodiscover>',
        { headers: { 'Content-Type': 'text/xml' } },
      ),
      'fail',
      'Autodiscover error 600: Invalid Request',
    ],
    ['401', new Response(null, { status: 401 }), 'fail', 'HTTP 401 at http://mock.example.test/autodiscover/autodiscover.xml'],
  ])('Autodiscover answered with %s', async (_what, answer, result, detail) => {
    const mock = newMock();
    const report = await probeMock(intercept(mock.handle, (r) => (/autodiscover/i.test(r.url) ? answer.clone() : undefined)));
    expect(report.cases.find((c) => c.name === 'Autodiscover')).toMatchObject({ result, detail });
  });

  it('a malformed answer fails the case with the parse error', async () => {
    const mock = newMock();
    const broken = intercept(mock.handle, (_r, cmd) =>
      cmd === 'MoveItems' ? wbxml(el('Move', 'MoveItems', el('Move', 'Response', el('Move', 'Status', '3')))) : undefined,
    );
    const report = await probeMock(broken);
    expect(report.cases.find((c) => c.name === 'MoveItems')).toMatchObject({
      result: 'fail',
      detail: 'malformed response: MoveItems: missing required element Response/SrcMsgId',
    });
  });
});
