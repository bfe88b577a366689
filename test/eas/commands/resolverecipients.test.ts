import { describe, expect, it } from 'vitest';
import {
  buildResolveRecipients,
  parseResolveRecipients,
  resolveRecipientsStatusText,
} from '../../../src/eas/commands/resolverecipients.ts';
import { EasProtocolError, type EasContext } from '../../../src/eas/command.ts';
import { decodeEas, encodeEas } from '../../../src/eas/wbxml.ts';
import { ns, type El } from '../../../src/wbxml/tree.ts';

const rr = ns('ResolveRecipients');
const v121: EasContext = { version: '12.1' };
const v140: EasContext = { version: '14.0' };
const v141: EasContext = { version: '14.1' };
const v161: EasContext = { version: '16.1' };

describe('buildResolveRecipients', () => {
  it('resolves names with certificate options (12.1)', () => {
    const req = buildResolveRecipients(
      { to: ['anat', 'dana@example.com'], certificateRetrieval: 2, maxCertificates: 5, maxAmbiguousRecipients: 3 },
      v121,
    );
    expect(req.cmd).toBe('ResolveRecipients');
    expect(req.body).toEqual(
      rr(
        'ResolveRecipients',
        rr('To', 'anat'),
        rr('To', 'dana@example.com'),
        rr('Options', rr('CertificateRetrieval', '2'), rr('MaxCertificates', '5'), rr('MaxAmbiguousRecipients', '3')),
      ),
    );
  });

  it('sends no Options when none are asked for', () => {
    expect(buildResolveRecipients({ to: ['x'] }, v141).body).toEqual(rr('ResolveRecipients', rr('To', 'x')));
  });

  it('asks for free/busy (14.0+) and photos (14.1+)', () => {
    const body = buildResolveRecipients(
      {
        to: ['dana@example.com'],
        availability: { startTime: new Date(Date.UTC(2026, 0, 5, 8)), endTime: new Date(Date.UTC(2026, 0, 5, 18)) },
        picture: { maxSize: 20000, maxPictures: 1 },
      },
      v161,
    ).body as El;
    expect(body).toEqual(
      rr(
        'ResolveRecipients',
        rr('To', 'dana@example.com'),
        rr(
          'Options',
          rr('Availability', rr('StartTime', '2026-01-05T08:00:00.000Z'), rr('EndTime', '2026-01-05T18:00:00.000Z')),
          rr('Picture', rr('MaxSize', '20000'), rr('MaxPictures', '1')),
        ),
      ),
    );
    expect(decodeEas(encodeEas(body))).toEqual(body);
  });

  it('refuses Availability before 14.0, Picture before 14.1, and an empty list', () => {
    const window = { startTime: new Date(0), endTime: new Date(3600_000) };
    expect(() => buildResolveRecipients({ to: ['x'], availability: window }, v121)).toThrow(/14\.0/);
    expect(() => buildResolveRecipients({ to: ['x'], availability: window }, v140)).not.toThrow();
    expect(() => buildResolveRecipients({ to: ['x'], picture: {} }, v140)).toThrow(/14\.1/);
    expect(() => buildResolveRecipients({ to: [] }, v141)).toThrow(EasProtocolError);
  });
});

describe('parseResolveRecipients', () => {
  it('reads a resolved GAL recipient with a certificate, free/busy and a photo', () => {
    const photo = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
    const root = rr(
      'ResolveRecipients',
      rr('Status', '1'),
      rr(
        'Response',
        rr('To', 'dana@example.com'),
        rr('Status', '1'),
        rr('RecipientCount', '1'),
        rr(
          'Recipient',
          rr('Type', '2'),
          rr('DisplayName', 'Dana Lee'),
          rr('EmailAddress', 'dana@example.com'),
          rr('Availability', rr('Status', '1'), rr('MergedFreeBusy', '0022000000')),
          rr('Certificates', rr('Status', '1'), rr('CertificateCount', '1'), rr('RecipientCount', '1'), rr('Certificate', 'MIIBszCCAVmg')),
          rr('Picture', rr('Status', '1'), rr('Data', photo)),
        ),
      ),
    );
    const r = parseResolveRecipients(decodeEas(encodeEas(root)), v161);
    expect(r.status).toBe(1);
    expect(r.responses).toEqual([
      {
        to: 'dana@example.com',
        status: 1,
        recipientCount: 1,
        recipients: [
          {
            type: 2,
            displayName: 'Dana Lee',
            emailAddress: 'dana@example.com',
            availability: { status: 1, mergedFreeBusy: '0022000000' },
            certificates: {
              status: 1,
              certificateCount: 1,
              recipientCount: 1,
              certificates: ['MIIBszCCAVmg'],
              miniCertificate: undefined,
            },
            picture: { status: 1, data: photo },
          },
        ],
      },
    ]);
  });

  it('reads an ambiguous name with suggestions, and an unknown name', () => {
    const suggestion = (name: string, addr: string, type: string) =>
      rr('Recipient', rr('Type', type), rr('DisplayName', name), rr('EmailAddress', addr));
    const root = rr(
      'ResolveRecipients',
      rr('Status', '1'),
      rr(
        'Response',
        rr('To', 'ann'),
        rr('Status', '3'),
        rr('RecipientCount', '12'),
        suggestion('Ann Beck', 'ann.beck@example.com', '2'),
        suggestion('Anna Cole', 'anna@example.org', '1'),
      ),
      rr('Response', rr('To', 'zzzz'), rr('Status', '4'), rr('RecipientCount', '0')),
    );
    const [ambiguous, unknown] = parseResolveRecipients(root, v141).responses;
    expect(ambiguous?.status).toBe(3);
    expect(ambiguous?.recipientCount).toBe(12);
    expect(ambiguous?.recipients.map((x) => [x.type, x.emailAddress])).toEqual([
      [2, 'ann.beck@example.com'],
      [1, 'anna@example.org'],
    ]);
    expect(unknown).toEqual({ to: 'zzzz', status: 4, recipientCount: 0, recipients: [] });
    expect(resolveRecipientsStatusText(3)).toMatch(/partial/);
  });

  it('reads certificate and availability failures per recipient', () => {
    const root = rr(
      'ResolveRecipients',
      rr('Status', '1'),
      rr(
        'Response',
        rr('To', 'eli'),
        rr('Status', '1'),
        rr(
          'Recipient',
          rr('Type', '2'),
          rr('DisplayName', 'Eli'),
          rr('EmailAddress', 'eli@example.com'),
          rr('Availability', rr('Status', '163')),
          rr('Certificates', rr('Status', '7'), rr('CertificateCount', '0')),
          rr('Picture', rr('Status', '173')),
        ),
      ),
    );
    const x = parseResolveRecipients(root, v141).responses[0]?.recipients[0];
    expect(x?.availability).toEqual({ status: 163, mergedFreeBusy: undefined });
    expect(x?.certificates?.status).toBe(7);
    expect(x?.certificates?.certificates).toEqual([]);
    expect(x?.picture).toEqual({ status: 173, data: undefined });
  });

  it('reads a protocol error without responses', () => {
    expect(parseResolveRecipients(rr('ResolveRecipients', rr('Status', '5')), v141)).toEqual({ status: 5, responses: [] });
  });

  it('throws when required elements are missing', () => {
    expect(() => parseResolveRecipients(rr('ResolveRecipients'), v141)).toThrow(EasProtocolError);
    const noAddress = rr(
      'ResolveRecipients',
      rr('Status', '1'),
      rr('Response', rr('To', 'x'), rr('Status', '1'), rr('Recipient', rr('Type', '1'), rr('DisplayName', 'X'))),
    );
    expect(() => parseResolveRecipients(noAddress, v141)).toThrow(/EmailAddress/);
  });
});
