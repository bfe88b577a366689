/** Synthetic EAS documents for benchmarks: realistic shapes and sizes, deterministic. */
import { el, type El } from '../src/wbxml/tree.ts';

const JA = 'お世話になっております。来週の打ち合わせの件でご連絡いたします。資料を添付しますのでご確認ください。';
const EN = 'Hello team, please find the quarterly figures below and let me know if anything looks off. ';

/** An HTML body of about `bytes` UTF-8 bytes, half Japanese, half ASCII. */
export function htmlBody(i: number, bytes: number): string {
  const parts = [`<html><body><p>Mail ${i}</p>`];
  let size = parts[0]!.length;
  for (let n = 0; size < bytes; n++) {
    const p = n % 2 === 0 ? `<p>${EN}</p>` : `<p>${JA}</p>`;
    parts.push(p);
    size += new TextEncoder().encode(p).length;
  }
  parts.push('</body></html>');
  return parts.join('');
}

function mail(i: number, bodyBytes: number): El {
  const e = (name: string, text: string) => el('Email', name, text);
  const body = htmlBody(i, bodyBytes);
  return el(
    'AirSync',
    'Add',
    el('AirSync', 'ServerId', `5:${i}`),
    el(
      'AirSync',
      'ApplicationData',
      e('To', '"Alice Example" <alice@example.test>'),
      e('From', i % 2 ? '"山田 太郎" <taro@example.test>' : '"Bob Example" <bob@example.test>'),
      e('Subject', i % 2 ? `週次報告 ${i}` : `Weekly report ${i}`),
      e('DateReceived', new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString()),
      e('DisplayTo', 'Alice Example'),
      e('Importance', '1'),
      e('Read', i % 3 ? '1' : '0'),
      el(
        'AirSyncBase',
        'Body',
        el('AirSyncBase', 'Type', '2'),
        el('AirSyncBase', 'EstimatedDataSize', String(body.length)),
        el('AirSyncBase', 'Data', body),
      ),
      e('MessageClass', 'IPM.Note'),
      e('InternetCPID', '65001'),
      el('Email', 'Flag'),
      e('ContentClass', 'urn:content-classes:message'),
      el('AirSyncBase', 'NativeBodyType', '2'),
    ),
  );
}

/** A Sync response with one collection holding `count` mails with bodies of `bodyBytes`. */
export function syncResponse(count: number, bodyBytes: number): El {
  const adds: El[] = [];
  for (let i = 0; i < count; i++) adds.push(mail(i, bodyBytes));
  return el(
    'AirSync',
    'Sync',
    el(
      'AirSync',
      'Collections',
      el(
        'AirSync',
        'Collection',
        el('AirSync', 'SyncKey', '42'),
        el('AirSync', 'CollectionId', '5'),
        el('AirSync', 'Status', '1'),
        el('AirSync', 'Commands', adds),
      ),
    ),
  );
}
