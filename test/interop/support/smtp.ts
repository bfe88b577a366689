/**
 * Just enough SMTP (RFC 5321) to hand a message to the peer's postfix on 127.0.0.1:25, which
 * delivers mail for example.test to dovecot over LMTP. Plain text, no TLS, no AUTH: postfix
 * trusts 127.0.0.0/8 (mynetworks).
 */
import { connect, type Socket } from 'node:net';
import { SMTP_PORT } from './peer.ts';

export interface Envelope {
  readonly from: string;
  readonly to: readonly string[];
  /** The RFC 5322 message, CRLF or LF line ends. */
  readonly message: string;
}

/** Sends one message; resolves when the server has accepted it (250 after DATA). */
export async function sendSmtp(envelope: Envelope, host = '127.0.0.1', port = SMTP_PORT): Promise<void> {
  const session = await SmtpSession.open(host, port);
  try {
    await session.expect(220);
    await session.command('EHLO interop.test', 250);
    await session.command(`MAIL FROM:<${envelope.from}>`, 250);
    for (const rcpt of envelope.to) await session.command(`RCPT TO:<${rcpt}>`, 250, 251);
    await session.command('DATA', 354);
    await session.command(`${dotStuffed(envelope.message)}\r\n.`, 250);
    await session.command('QUIT', 221);
  } finally {
    session.close();
  }
}

/** CRLF line ends, and a leading "." doubled on every line (RFC 5321 4.5.2). */
export function dotStuffed(message: string): string {
  return message
    .replace(/\r?\n/g, '\r\n')
    .replace(/\r\n$/, '')
    .split('\r\n')
    .map((line) => (line.startsWith('.') ? `.${line}` : line))
    .join('\r\n');
}

class SmtpSession {
  private buffer = '';
  private wake: (() => void) | null = null;
  private ended = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.notify();
    });
    socket.on('close', () => {
      this.ended = true;
      this.notify();
    });
  }

  static async open(host: string, port: number): Promise<SmtpSession> {
    const socket = connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new SmtpSession(socket);
  }

  async command(line: string, ...codes: number[]): Promise<void> {
    this.socket.write(`${line}\r\n`);
    await this.expect(...codes);
  }

  /** Reads one reply, multi-line ones included ("250-..." up to "250 ..."), and checks its code. */
  async expect(...codes: number[]): Promise<void> {
    for (;;) {
      const last = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(this.buffer);
      if (last) {
        const reply = this.buffer;
        this.buffer = '';
        if (!codes.includes(Number(last[1]))) throw new Error(`SMTP: expected ${codes.join('/')}, got ${reply.trim()}`);
        return;
      }
      if (this.ended) throw new Error(`SMTP: connection closed (${this.buffer.trim()})`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
