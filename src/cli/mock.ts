/**
 * `eas mock --port P [--host H] [--seed N] [--faults SPEC] [--versions V,…]
 * [--bearer-issuer URL --bearer-audience AUD [--bearer-scope S]] [--anchor-cookie]`: the stateful
 * mock EAS server over HTTP until killed. Prints `listening on http://H:P` when ready (CONTRACTS.md).
 */
import { parseArgs } from 'node:util';
import { parseFaultSpec } from '../../mocks/faults.ts';
import { serveHttp } from '../../mocks/node-http.ts';
import { createMockServer, MOCK_VERSIONS } from '../../mocks/server.ts';
import { isEasVersion, type EasVersion } from '../eas/version.ts';
import { CliError, UsageError } from './io.ts';

const MOCK_USAGE =
  'eas mock --port P [--host H] [--seed N] [--faults SPEC] [--versions V,...] [--bearer-issuer URL --bearer-audience AUD [--bearer-scope S]] [--anchor-cookie]';

function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

/** `--versions 16.1,14.1`: versions the mock speaks, in its own order. */
function versionsOption(value: string | undefined): EasVersion[] | undefined {
  if (value === undefined) return undefined;
  const asked = value.split(',').map((v) => v.trim());
  const bad = asked.find((v) => !isEasVersion(v) || !MOCK_VERSIONS.includes(v));
  if (bad !== undefined || asked.length === 0) throw new UsageError(`--versions: ${bad ?? value} is not one of ${MOCK_VERSIONS.join(',')}`);
  return MOCK_VERSIONS.filter((v) => asked.includes(v));
}

function bearerOption(issuer: string | undefined, audience: string | undefined, scope: string | undefined) {
  if (issuer === undefined && audience === undefined && scope === undefined) return undefined;
  if (issuer === undefined || audience === undefined) throw new UsageError('--bearer-issuer and --bearer-audience go together');
  if (!URL.canParse(issuer)) throw new UsageError(`--bearer-issuer: not a URL: ${issuer}`);
  return { issuer, audience, ...(scope === undefined ? {} : { scope }) };
}

export async function mockCommand(args: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        faults: { type: 'string' },
        versions: { type: 'string' },
        'bearer-issuer': { type: 'string' },
        'bearer-audience': { type: 'string' },
        'bearer-scope': { type: 'string' },
        'anchor-cookie': { type: 'boolean' },
      },
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
  const versions = versionsOption(values.versions);
  const bearer = bearerOption(values['bearer-issuer'], values['bearer-audience'], values['bearer-scope']);
  const server = createMockServer({
    seed,
    faults: values.faults,
    ...(versions ? { versions } : {}),
    ...(bearer ? { bearer } : {}),
    anchorCookie: values['anchor-cookie'] ?? false,
  });
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
