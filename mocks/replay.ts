/**
 * Replays a recorded trace (`eas probe --trace DIR`, format in src/probe/trace.ts)
 * as a fetch-standard handler: each request gets the next recorded response of
 * the same command, in the recorded order. A real server's answers, quirks
 * included, recorded once, become a fixture for tests forever.
 *
 * Requests are matched by command only (OPTIONS, Autodiscover, or the Cmd of
 * the query, plain or base64 form), not by content: the client under test must
 * ask in the same order per command, which a probe run with the same run id does.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { headerPair, readTrace, type TraceEntry } from '../src/probe/trace.ts';
import { parseQuery } from './query.ts';

export interface Replay {
  handle(request: Request): Promise<Response>;
  /** Requests that found no recorded answer left, as "Cmd (nth request of it)". */
  readonly unmatched: readonly string[];
  /** Recorded answers nobody asked for, per command. */
  remaining(): Record<string, number>;
}

/** Headers that describe the recorded transfer, not the content: the replay sets its own. */
const TRANSFER_HEADERS = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive']);

/** The command a request is for: its trace name. */
export function commandOf(request: Request): string {
  if (request.method === 'OPTIONS') return 'OPTIONS';
  const url = new URL(request.url);
  if (/\/autodiscover\/autodiscover\.xml$/i.test(url.pathname)) return 'Autodiscover';
  return parseQuery(url)?.cmd ?? 'unknown';
}

export function createReplay(entries: readonly TraceEntry[]): Replay {
  const queues = new Map<string, TraceEntry[]>();
  for (const e of entries) queues.set(e.meta.cmd, [...(queues.get(e.meta.cmd) ?? []), e]);
  const asked = new Map<string, number>();
  const unmatched: string[] = [];
  const handle = async (request: Request): Promise<Response> => {
    const cmd = commandOf(request);
    const n = (asked.get(cmd) ?? 0) + 1;
    asked.set(cmd, n);
    const next = queues.get(cmd)?.shift();
    if (!next) {
      unmatched.push(`${cmd} (request ${n})`);
      return new Response(`replay: no recorded answer left for ${cmd}`, { status: 500 });
    }
    // A recorded network failure (status 0) is replayed as one.
    if (next.meta.status === 0) throw new TypeError(`replayed network failure (${cmd})`);
    return responseOf(next);
  };
  return {
    handle,
    unmatched,
    remaining: () => Object.fromEntries([...queues].filter(([, q]) => q.length > 0).map(([cmd, q]) => [cmd, q.length])),
  };
}

function responseOf(e: TraceEntry): Response {
  const headers = new Headers();
  for (const [name, value] of e.meta.responseHeaders.map(headerPair)) {
    if (!TRANSFER_HEADERS.has(name.toLowerCase())) headers.append(name, value);
  }
  // 204, 304 and the like carry no body (Fetch standard, null body status).
  const nullBody = [101, 103, 204, 205, 304].includes(e.meta.status);
  const body = nullBody || e.responseBytes.length === 0 ? null : e.responseBytes.slice();
  return new Response(body, { status: e.meta.status, headers });
}

/** Reads a trace directory written by `eas probe --trace DIR`. */
export async function loadTrace(dir: string): Promise<TraceEntry[]> {
  const files = new Map<string, string>();
  for (const name of await readdir(dir)) files.set(name, await readFile(join(dir, name), 'utf8'));
  return readTrace(files);
}
