/**
 * `eas probe --url URL --user U [--domain D] --password-env VAR [--version V]
 *  [--json FILE] [--trace DIR] [--email ADDR] [--window N]` (contract: ../shared/CONTRACTS.md).
 * --email: the user's address when Settings UserInformation gives none;
 * --window: the WindowSize of the initial Sync pages (default 25), small to test paging on small folders.
 *
 * Runs the conformance suite of src/probe/ against a server, prints the table,
 * and exits 1 when any case failed. --json writes the report; --trace writes
 * every exchange as decoded XML (src/probe/trace.ts), which mocks/replay.ts can serve again.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Transport } from '../eas/endpoint.ts';
import type { EasVersion } from '../eas/version.ts';
import { runProbe } from '../probe/probe.ts';
import { formatTable, type ProbeReport } from '../probe/report.ts';
import type { ProbeTiming } from '../probe/session.ts';
import { traceFiles, type TraceExchange } from '../probe/trace.ts';
import { CliError, parseVersion, passwordFromEnv, required, UsageError } from './io.ts';

export const PROBE_USAGE =
  'eas probe --url URL --user U [--domain D] --password-env VAR [--version V] [--json FILE] [--trace DIR] [--email ADDR] [--window N]';

export interface ProbeDeps {
  /** Tests: the network (default fetch). */
  readonly transport?: Transport;
  /** Tests: shorter bounds and pauses. */
  readonly timing?: Partial<ProbeTiming>;
  /** Tests: a fixed run id (scratch item names), e.g. to replay a trace. */
  readonly runId?: string;
  /** Where the table goes (default stdout). */
  readonly write?: (text: string) => void;
}

interface Options {
  readonly url: string;
  readonly user: string;
  readonly domain?: string;
  readonly password: string;
  readonly version?: EasVersion;
  readonly json?: string;
  readonly trace?: string;
  readonly email?: string;
  readonly windowSize?: number;
}

export async function probeCommand(args: string[], deps: ProbeDeps = {}): Promise<ProbeReport> {
  const o = parseOptions(args);
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const trace = o.trace ? await traceWriter(o.trace) : undefined;
  let resent = 0;
  const report = await runProbe({
    url: o.url,
    user: o.user,
    domain: o.domain,
    password: o.password,
    version: o.version,
    email: o.email,
    windowSize: o.windowSize,
    transport: deps.transport ?? staleConnectionRetry(fetch, () => (resent += 1)),
    runId: deps.runId,
    timing: deps.timing,
    onExchange: trace?.add,
  });
  await trace?.done();
  write(`${formatTable(report)}\n`);
  if (resent > 0) {
    write(`note: ${resent} request(s) sent again: the server had closed a kept-alive connection without "Connection: close"\n`);
  }
  if (o.json) await writeFile(o.json, `${JSON.stringify(report, null, 1)}\n`);
  const failed = report.cases.filter((c) => c.result === 'fail');
  if (failed.length > 0)
    throw new CliError(
      `${failed.length} of ${report.cases.length} cases failed against ${report.server}: ${failed.map((c) => c.name).join(', ')}`,
    );
  return report;
}

/** The subcommand as main.ts runs it. */
export async function probeMain(args: string[]): Promise<void> {
  await probeCommand(args);
}

/**
 * fetch, sending a request again (up to twice) when the connection was closed
 * or reset before any answer came (undici: UND_ERR_SOCKET "other side closed",
 * ECONNRESET). HTTP/1.1
 * lets a server close an idle kept-alive connection at any time (RFC 9112
 * 9.3.1), and undici then fails a request it had just written to that
 * connection; browsers resend in that case. SOGo (SOPE) does this now and then.
 * A failure after the answer began is not retried (fetch has resolved by then).
 * The error that remains names its cause, which "fetch failed" alone does not.
 */
export function staleConnectionRetry(send: typeof fetch, onResend: () => void): Transport {
  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      const copy = request.clone();
      try {
        return await send(copy);
      } catch (e) {
        if (!closedBeforeAnswer(e) || attempt === 2) throw withCause(e);
        onResend();
      }
    }
  };
}

function causeOf(e: unknown): { code?: unknown; message?: unknown } | undefined {
  const cause = e instanceof TypeError ? (e as TypeError & { cause?: unknown }).cause : undefined;
  return typeof cause === 'object' && cause !== null ? cause : undefined;
}

/** undici's "other side closed", or a reset or broken pipe, before fetch resolved. */
const CLOSED_CODES: ReadonlySet<unknown> = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

function closedBeforeAnswer(e: unknown): boolean {
  return CLOSED_CODES.has(causeOf(e)?.code);
}

function withCause(e: unknown): unknown {
  const cause = causeOf(e);
  if (!(e instanceof TypeError) || !cause) return e;
  const code = typeof cause.code === 'string' ? ` (${cause.code})` : '';
  return new TypeError(`${e.message}: ${String(cause.message ?? cause)}${code}`, { cause });
}

function parseOptions(args: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        url: { type: 'string' },
        user: { type: 'string' },
        domain: { type: 'string' },
        'password-env': { type: 'string' },
        version: { type: 'string' },
        json: { type: 'string' },
        trace: { type: 'string' },
        email: { type: 'string' },
        window: { type: 'string' },
      },
      strict: true,
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}; usage: ${PROBE_USAGE}`);
  }
  const window = values.window === undefined ? undefined : Number(values.window);
  // MS-ASCMD 2.2.3.199: WindowSize is 1 to 512.
  if (window !== undefined && !(Number.isInteger(window) && window >= 1 && window <= 512)) {
    throw new UsageError('--window must be a whole number from 1 to 512');
  }
  return {
    url: required(values, 'url'),
    user: required(values, 'user'),
    domain: values.domain || undefined,
    password: passwordFromEnv(required(values, 'password-env')),
    version: parseVersion(values.version),
    json: values.json,
    trace: values.trace,
    email: values.email,
    windowSize: window,
  };
}

/** Writes each exchange's files as it happens, numbered in the order the answers came. */
async function traceWriter(dir: string): Promise<{ add: (x: TraceExchange) => void; done: () => Promise<void> }> {
  await mkdir(dir, { recursive: true }).catch((e: unknown) => {
    throw new CliError(`${dir}: cannot create the trace directory (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  });
  let n = 0;
  const writes: Promise<void>[] = [];
  return {
    add(x) {
      n += 1;
      for (const f of traceFiles(n, x)) writes.push(writeFile(join(dir, f.name), f.content));
    },
    async done() {
      await Promise.all(writes);
    },
  };
}
