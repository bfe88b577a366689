/**
 * `eas mock --port P [--host H] [--seed N] [--faults SPEC]`: the stateful mock EAS server
 * over HTTP until killed. Prints `listening on http://H:P` when ready (CONTRACTS.md).
 */
import { parseArgs } from 'node:util';
import { parseFaultSpec } from '../../mocks/faults.ts';
import { serveHttp } from '../../mocks/node-http.ts';
import { createMockServer } from '../../mocks/server.ts';
import { CliError, UsageError } from './io.ts';

const MOCK_USAGE = 'eas mock --port P [--host H] [--seed N] [--faults SPEC]';

function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export async function mockCommand(args: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { port: { type: 'string' }, host: { type: 'string' }, seed: { type: 'string' }, faults: { type: 'string' } },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const port = intOption(values.port, 'port', 0, 65535);
  if (port === undefined) throw new UsageError(`--port is required; usage: ${MOCK_USAGE}`);
  const seed = intOption(values.seed, 'seed', 0, 2 ** 31 - 1);
  if (values.faults !== undefined) {
    try {
      parseFaultSpec(values.faults);
    } catch (e) {
      throw new UsageError(`--faults: ${(e as Error).message}`);
    }
  }
  const server = createMockServer({ seed, faults: values.faults });
  let running;
  try {
    running = await serveHttp(server, { host: values.host ?? '127.0.0.1', port });
  } catch (e) {
    throw new CliError(`cannot listen on ${values.host ?? '127.0.0.1'}:${port}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  process.stdout.write(`listening on ${running.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => void running.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
