/**
 * `eas proxy --upstream URL --port P [--host H] [--dist DIR] [--vault] ...`: serves the
 * built PWA and forwards EAS and Autodiscover to the upstream on the same origin
 * (src/proxy/server.ts). Prints `listening on http://H:P` when ready, then one line
 * per request, until killed.
 */
import { parseArgs } from 'node:util';
import { PROXY_DEFAULTS, startProxy, type ProxyOptions, type RunningProxy } from '../proxy/server.ts';
import { CliError, UsageError, required } from './io.ts';

const PROXY_USAGE = 'eas proxy --upstream URL --port P [--host H] [--dist DIR] [--vault] [--idle-timeout S] ' +
  '[--max-body MB] [--max-connections N] [--session-days D]';

function numberOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
  return n;
}

function parse(args: string[]): ProxyOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        upstream: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, dist: { type: 'string' },
        vault: { type: 'boolean' }, 'idle-timeout': { type: 'string' }, 'max-body': { type: 'string' },
        'max-connections': { type: 'string' }, 'session-days': { type: 'string' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const port = numberOption(values.port, 'port', 0, 65535);
  if (port === undefined || !Number.isInteger(port)) throw new UsageError(`--port is required; usage: ${PROXY_USAGE}`);
  const idle = numberOption(values['idle-timeout'], 'idle-timeout', 1, 86_400);
  const maxBody = numberOption(values['max-body'], 'max-body', 0.001, 4096);
  const maxConnections = numberOption(values['max-connections'], 'max-connections', 1, 100_000);
  const days = numberOption(values['session-days'], 'session-days', 0.001, 3650);
  return {
    upstream: required(values, 'upstream'),
    port,
    host: values.host ?? PROXY_DEFAULTS.host,
    dist: values.dist ?? PROXY_DEFAULTS.dist,
    vault: values.vault === true,
    ...(idle === undefined ? {} : { idleTimeoutMs: idle * 1000 }),
    ...(maxBody === undefined ? {} : { maxBodyBytes: Math.round(maxBody * 1024 * 1024) }),
    ...(maxConnections === undefined ? {} : { maxConnections: Math.floor(maxConnections) }),
    ...(days === undefined ? {} : { sessionIdleMs: days * 86_400_000 }),
    log: (line) => process.stdout.write(`${line}\n`),
  };
}

async function start(options: ProxyOptions): Promise<RunningProxy> {
  try {
    return await startProxy(options);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(`--upstream: ${e.message}`);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${options.dist}: no such directory (run npm run build first)`);
    throw new CliError(`cannot listen on ${options.host}:${options.port}: ${code ?? String(e)}`);
  }
}

export async function proxyCommand(args: string[]): Promise<void> {
  const options = parse(args);
  const running = await start(options);
  process.stdout.write(`listening on ${running.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => void running.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
