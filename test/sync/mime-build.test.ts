import { describe, expect, it } from 'vitest';
import PostalMime from 'postal-mime';
import { buildMime, encodedWords, quotedPrintable, readHeaders, messageIds, type MimeMessage } from '../../src/sync/mime-build.ts';

const decoder = new TextDecoder();
const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 300 }, (_, i) => i % 256)]);

const base: MimeMessage = {
  from: { name: '山田 太郎', email: 'taro@example.test' },
  to: [
    { name: 'Alice Example', email: 'alice@example.test' },
    { name: 'Bob "the builder" O\'Neil', email: 'bob@example.test' },
  ],
  cc: [{ email: 'carol@example.test' }],
  bcc: [{ name: 'Dave', email: 'dave@example.test' }],
  subject: '週次報告：来週の打ち合わせについて（資料を添付します）— please review before Monday',
  date: new Date(Date.UTC(2026, 4, 15, 3, 4, 5)),
  messageId: 'abc123@example.test',
  text: 'こんにちは\n\n資料を添付します。\nA line with = sign and trailing space \n' + 'long '.repeat(40),
};

describe('MIME builder', () => {
  it('round-trips through postal-mime: Japanese subject and names, HTML with text, attachments, inline image', async () => {
    const mime = buildMime({
      ...base,
      inReplyTo: 'orig@example.test',
      references: ['root@example.test', 'orig@example.test'],
      importance: 2,
      html: '<p>こんにちは <b>world</b></p><img src="cid:logo@x">',
      attachments: [
        { name: '見積書 2026年5月.pdf', contentType: 'application/pdf', bytes: Uint8Array.from([1, 2, 3, 250, 251, 252]) },
        { name: 'notes.txt', contentType: 'text/plain', bytes: new TextEncoder().encode('plain ascii') },
        { name: 'logo.png', contentType: 'image/png', bytes: png, contentId: 'logo@x' },
      ],
    });
    const text = decoder.decode(mime);
    // 7-bit throughout, CRLF line ends, no line over 78 characters.
    expect(mime.every((b) => b < 0x80)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = text.split('\r\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(78);

    const parsed = await PostalMime.parse(mime);
    expect(parsed.subject).toBe(base.subject);
    expect(parsed.from).toMatchObject({ name: '山田 太郎', address: 'taro@example.test' });
    expect(parsed.to?.map((a) => [a.name, a.address])).toEqual([
      ['Alice Example', 'alice@example.test'],
      ['Bob "the builder" O\'Neil', 'bob@example.test'],
    ]);
    expect(parsed.cc?.map((a) => a.address)).toEqual(['carol@example.test']);
    expect(parsed.bcc?.map((a) => a.address)).toEqual(['dave@example.test']);
    expect(parsed.messageId).toBe('<abc123@example.test>');
    expect(parsed.inReplyTo).toBe('<orig@example.test>');
    expect(parsed.references).toBe('<root@example.test> <orig@example.test>');
    expect(parsed.date).toBe('2026-05-15T03:04:05.000Z');
    expect(parsed.text?.trimEnd()).toBe(base.text.trimEnd());
    expect(parsed.html).toContain('<b>world</b>');
    const named = (n: string) => parsed.attachments.find((a) => a.filename === n);
    const [pdf, txt, logo] = [named('見積書 2026年5月.pdf'), named('notes.txt'), named('logo.png')];
    expect(pdf).toMatchObject({ filename: '見積書 2026年5月.pdf', mimeType: 'application/pdf', disposition: 'attachment' });
    expect([...new Uint8Array(pdf!.content as ArrayBuffer)]).toEqual([1, 2, 3, 250, 251, 252]);
    expect(txt).toMatchObject({ filename: 'notes.txt', mimeType: 'text/plain' });
    expect(logo).toMatchObject({ mimeType: 'image/png', contentId: '<logo@x>', disposition: 'inline', related: true });
    expect(new Uint8Array(logo!.content as ArrayBuffer)).toEqual(png);
    expect(readHeaders(text).get('importance')).toEqual(['high']);
    expect(text).toMatch(/Content-Type: multipart\/mixed;[\s\S]*multipart\/related;[\s\S]*multipart\/alternative;/);
  });

  it('a plain mail is one text part; an attached message is message/rfc822 in 8bit, never base64', async () => {
    const plain = decoder.decode(buildMime({ ...base, subject: 'Hello', cc: [], bcc: [] }));
    expect(plain).toMatch(/^Content-Type: text\/plain; charset=UTF-8$/m);
    expect(plain).toMatch(/^Subject: Hello$/m);
    expect(plain).not.toMatch(/^Bcc:/m);
    const original = new TextEncoder().encode('From: x@example.test\nSubject: Größe\n\nBody ü\n');
    const fwd = buildMime({ ...base, subject: 'Fw: Größe', messages: [{ name: 'Größe.eml', mime: original }] });
    const text = decoder.decode(fwd);
    expect(text).toMatch(
      /Content-Type: message\/rfc822\r\nContent-Disposition: attachment;\r\n filename\*=UTF-8''Gr%C3%B6%C3%9Fe\.eml\r\nContent-Transfer-Encoding: 8bit/,
    );
    expect(text).toContain('Subject: Größe\r\n\r\nBody ü\r\n');
    const parsed = await PostalMime.parse(fwd);
    expect(parsed.attachments[0]).toMatchObject({ mimeType: 'message/rfc822', filename: 'Größe.eml' });
  });

  it('encoded-words stay within 75 characters and split between characters', () => {
    const words = encodedWords('日本語の件名'.repeat(10));
    expect(words.length).toBeGreaterThan(1);
    for (const w of words) {
      expect(w.length).toBeLessThanOrEqual(75);
      const b64 = /^=\?UTF-8\?B\?(.*)\?=$/.exec(w)![1]!;
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)))).not.toThrow();
    }
  });

  it('quoted-printable: = and 8-bit bytes encoded, trailing space encoded, soft breaks before 76', () => {
    const qp = quotedPrintable(`a=b ü end \n${'x'.repeat(200)}`);
    const lines = qp.split('\r\n');
    expect(lines[0]).toBe('a=3Db =C3=BC end=20');
    expect(lines.slice(1).every((l) => l.length <= 76)).toBe(true);
    expect(lines.slice(1, -1).every((l) => l.endsWith('='))).toBe(true);
  });

  it('reads threading headers from a MIME header block', () => {
    const h = readHeaders('Message-ID: <a@b>\r\nReferences: <r1@b>\r\n <r2@b>\r\nSubject: x\r\n\r\nbody: no');
    expect(messageIds(h.get('message-id')?.[0])).toEqual(['a@b']);
    expect(messageIds(h.get('references')?.[0])).toEqual(['r1@b', 'r2@b']);
    expect(h.has('body')).toBe(false);
  });
});
