/**
 * A minimal IMAP4rev1 client (RFC 3501) for seeding the SOGo peer: tagged commands, literals in
 * both directions, nothing else. Not a general client: it trusts the local dovecot.
 */
import { connect, type Socket } from 'node:net';

export class ImapError extends Error {}

export interface ImapReply {
  /** Untagged lines ("* ..."), literals inlined. */
  untagged: string[];
  /** The tagged completion line, after the tag ("OK ..."). */
  completion: string;
}

export class Imap {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private closed = false;
  private tag = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  static async open(host: string, port: number): Promise<Imap> {
    const socket = connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const imap = new Imap(socket);
    const greeting = await imap.readLine();
    if (!greeting.startsWith('* OK')) throw new ImapError(`greeting: ${greeting}`);
    return imap;
  }

  async login(user: string, password: string): Promise<void> {
    await this.run(`LOGIN ${quote(user)} ${quote(password)}`);
  }

  async logout(): Promise<void> {
    await this.run('LOGOUT');
    this.socket.end();
  }

  /** Runs one command; `literal`, if given, follows the command text as `{n}` (RFC 3501 4.3). */
  async run(command: string, literal?: Uint8Array): Promise<ImapReply> {
    const tag = `s${++this.tag}`;
    if (literal === undefined) {
      this.socket.write(`${tag} ${command}\r\n`);
    } else {
      this.socket.write(`${tag} ${command} {${literal.length}}\r\n`);
      const go = await this.readLine();
      if (!go.startsWith('+')) throw new ImapError(`${command}: ${go}`);
      this.socket.write(Buffer.concat([literal, Buffer.from('\r\n')]));
    }
    const untagged: string[] = [];
    for (;;) {
      const line = await this.readLine();
      if (line.startsWith(`${tag} `)) {
        const completion = line.slice(tag.length + 1);
        if (!completion.startsWith('OK')) throw new ImapError(`${command.split(' ')[0]}: ${completion}`);
        return { untagged, completion };
      }
      untagged.push(line);
    }
  }

  /** One response line, with any `{n}` literals it announces read and inlined. */
  private async readLine(): Promise<string> {
    let line = '';
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end < 0) {
        await this.more();
        continue;
      }
      const part = this.buffer.subarray(0, end).toString('utf8');
      this.buffer = this.buffer.subarray(end + 2);
      const size = /\{(\d+)\}$/.exec(part);
      if (!size) return line + part;
      const n = Number(size[1]);
      while (this.buffer.length < n) await this.more();
      line += part + this.buffer.subarray(0, n).toString('utf8');
      this.buffer = this.buffer.subarray(n);
    }
  }

  private more(): Promise<void> {
    if (this.closed) return Promise.reject(new ImapError('connection closed'));
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** An IMAP quoted string (RFC 3501 4.3): only `\` and `"` need escaping. */
export function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The mailbox names in LIST responses (`* LIST (flags) "/" name`). */
export function listedNames(untagged: string[]): string[] {
  const names: string[] = [];
  for (const line of untagged) {
    const m = /^\* LIST \([^)]*\) (?:"(?:[^"\\]|\\.)*"|NIL) (.+)$/i.exec(line);
    if (m?.[1]) names.push(unquote(m[1]));
  }
  return names;
}

function unquote(text: string): string {
  if (!text.startsWith('"')) return text;
  return text.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** `* STATUS name (MESSAGES 3 UNSEEN 1)` -> {MESSAGES: 3, UNSEEN: 1}. */
export function statusItems(untagged: string[]): Record<string, number> {
  const items: Record<string, number> = {};
  for (const line of untagged) {
    const m = /^\* STATUS .* \(([^)]*)\)$/i.exec(line);
    if (!m?.[1]) continue;
    const parts = m[1].split(' ');
    for (let i = 0; i + 1 < parts.length; i += 2) items[parts[i] ?? ''] = Number(parts[i + 1]);
  }
  return items;
}

/** The number of hits in a `* SEARCH 1 2 3` response. */
export function searchCount(untagged: string[]): number {
  const line = untagged.find((l) => /^\* SEARCH\b/i.test(l)) ?? '* SEARCH';
  return line.split(' ').length - 2;
}

/** An IMAP date-time (RFC 3501 9, date-time): "24-Nov-2026 09:30:00 +0000". */
export function imapDateTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number): string => String(n).padStart(2, '0');
  const day = two(date.getUTCDate());
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${day}-${months[date.getUTCMonth()]}-${date.getUTCFullYear()} ${time} +0000`;
}

/** An IMAP date (RFC 3501 9, date) for SEARCH SINCE: "24-Nov-2026". */
export function imapDate(date: Date): string {
  return imapDateTime(date).slice(0, 11);
}
