/**
 * One log line per request, without secrets: headers are never logged (so no
 * Authorization and no cookies), the EAS `User` parameter is masked, parameters
 * that look like secrets are blanked, and a base64-encoded EAS query (which holds
 * the user, device and policy key, MS-ASHTTP 2.2.1.1.1.1) is shown only by its command.
 */
import { decodeBase64Query } from '../eas/query.ts';

const SECRET_PARAM = /pass|pwd|secret|token|auth|key/i;

/** "alice" -> "a***"; empty stays empty. */
export function maskUser(user: string): string {
  return user === '' ? '' : `${[...user][0]}***`;
}

function maskedParams(search: string): string {
  const params = new URLSearchParams(search);
  const out: string[] = [];
  for (const [name, value] of params) {
    const shown = /^user$/i.test(name) ? maskUser(value) : SECRET_PARAM.test(name) ? '***' : value;
    out.push(`${encodeURIComponent(name)}=${encodeURIComponent(shown).replace(/%2A/g, '*')}`);
  }
  return out.join('&');
}

/** The base64 form is one token without `=` pairs; undefined when the query is not that form. */
function base64Command(search: string): string | undefined {
  if (search.includes('&') || /^[^=]+=[^=]/.test(search)) return undefined;
  try {
    return decodeBase64Query(search).cmd;
  } catch {
    return undefined;
  }
}

/** The request target as it may be logged: path, then the query with secrets masked. */
export function loggableTarget(rawUrl: string): string {
  const q = rawUrl.indexOf('?');
  if (q < 0) return rawUrl;
  const path = rawUrl.slice(0, q);
  const search = rawUrl.slice(q + 1);
  if (search === '') return path;
  const cmd = base64Command(search);
  return cmd === undefined ? `${path}?${maskedParams(search)}` : `${path}?[base64 Cmd=${cmd}]`;
}

export interface RequestRecord {
  readonly client: string;
  readonly method: string;
  readonly target: string;
  readonly status: number;
  readonly ms: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** What went wrong, or how the request was handled (e.g. "upstream timeout"). */
  readonly note: string;
}

/** `2024-05-01T10:00:00.000Z 127.0.0.1 POST /Microsoft-Server-ActiveSync?Cmd=Ping&User=a*** 200 59012ms in=34 out=13` */
export function formatRecord(r: RequestRecord, at: Date): string {
  const note = r.note === '' ? '' : ` (${r.note})`;
  return `${at.toISOString()} ${r.client} ${r.method} ${loggableTarget(r.target)} ${r.status} ${r.ms}ms in=${r.bytesIn} out=${r.bytesOut}${note}`;
}
