/**
 * `eas proxy --upstream URL --port P [--host H] [--dist DIR] [--vault] ...`: serves the
 * built PWA and forwards EAS and Autodiscover to the upstream on the same origin
 * (src/proxy/server.ts). Prints `listening on http://H:P` when ready, then one line
 * per request, until killed.
 */
import { parseArgs } from 'node:util';
import { PROXY_DEFAULTS, startProxy, type ProxyOptions, type RunningProxy } from '../proxy/server.ts';
import { parseIssuer, type OAuthOptions } from '../proxy/oauth.ts';
import { parseSecret } from '../proxy/state.ts';
import { CliError, UsageError, required } from './io.ts';

const PROXY_USAGE =
  'eas proxy --upstream URL --port P [--host H] [--dist DIR] [--vault] [--push] [--state DIR] [--redis URL] [--redis-lease S] ' +
  '[--push-allow-host HOST]... [--push-contact URI] [--push-max-pings N] [--idle-timeout S] [--max-body MB] [--max-connections N] [--session-days D] ' +
  '[--oauth-issuer URL --oauth-client-id ID [--oauth-client-secret-env VAR] [--oauth-scope S] [--oauth-resource URI] [--oauth-redirect-uri URL]] ' +
  '[--upstream-user-agent UA]';

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
        upstream: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        dist: { type: 'string' },
        vault: { type: 'boolean' },
        'idle-timeout': { type: 'string' },
        'max-body': { type: 'string' },
        'max-connections': { type: 'string' },
        'session-days': { type: 'string' },
        push: { type: 'boolean' },
        state: { type: 'string' },
        'push-allow-host': { type: 'string', multiple: true },
        'push-contact': { type: 'string' },
        'push-max-pings': { type: 'string' },
        redis: { type: 'string' },
        'redis-lease': { type: 'string' },
        'oauth-issuer': { type: 'string' },
        'oauth-client-id': { type: 'string' },
        'oauth-client-secret-env': { type: 'string' },
        'oauth-scope': { type: 'string' },
        'oauth-resource': { type: 'string' },
        'oauth-redirect-uri': { type: 'string' },
        'upstream-user-agent': { type: 'string' },
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
  if (values.push && !values.vault) throw new UsageError('--push needs --vault (the relay signs in for the user)');
  const contact = values['push-contact'];
  if (contact !== undefined && !/^(mailto:|https:\/\/)\S+$/.test(contact))
    throw new UsageError('--push-contact must be a mailto: or https: URI');
  const maxPings = numberOption(values['push-max-pings'], 'push-max-pings', 1, 1_000_000);
  const leaseS = numberOption(values['redis-lease'], 'redis-lease', 0.5, 3600);
  if (values.redis !== undefined && values.state !== undefined) throw new UsageError('--redis and --state: choose one place for the state');
  if (values.redis !== undefined && !/^rediss?:\/\//.test(values.redis))
    throw new UsageError('--redis must be a redis:// or rediss:// URL');
  let secret: Buffer | undefined;
  try {
    secret = parseSecret(process.env['EAS_PROXY_SECRET']);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const oauth = oauthOptions(values);
  if (oauth && !values.vault) throw new UsageError('--oauth-issuer needs --vault (the proxy keeps the tokens)');
  const userAgent = values['upstream-user-agent'];
  if (userAgent !== undefined && !/^[\x21-\x7e][\x20-\x7e]*$/.test(userAgent))
    throw new UsageError('--upstream-user-agent must be printable ASCII');
  return {
    upstream: required(values, 'upstream'),
    ...(oauth ? { oauth } : {}),
    ...(userAgent !== undefined ? { userAgent } : {}),
    port,
    host: values.host ?? PROXY_DEFAULTS.host,
    dist: values.dist ?? PROXY_DEFAULTS.dist,
    vault: values.vault === true,
    ...(values.push
      ? {
          push: {
            allowHosts: values['push-allow-host'] ?? [],
            ...(contact ? { contact } : {}),
            ...(maxPings === undefined ? {} : { relay: { maxPings: Math.floor(maxPings) } }),
            ...(leaseS === undefined ? {} : { leaseMs: Math.round(leaseS * 1000) }),
          },
        }
      : {}),
    ...(values.state === undefined ? {} : { state: values.state }),
    ...(values.redis === undefined ? {} : { redis: values.redis }),
    ...(secret ? { secret } : {}),
    ...(idle === undefined ? {} : { idleTimeoutMs: idle * 1000 }),
    ...(maxBody === undefined ? {} : { maxBodyBytes: Math.round(maxBody * 1024 * 1024) }),
    ...(maxConnections === undefined ? {} : { maxConnections: Math.floor(maxConnections) }),
    ...(days === undefined ? {} : { sessionIdleMs: days * 86_400_000 }),
    log: (line) => process.stdout.write(`${line}\n`),
  };
}

type Values = Record<string, string | boolean | string[] | undefined>;

/** The --oauth-* options; the client secret comes from the environment variable named, never the command line. */
function oauthOptions(values: Values): OAuthOptions | undefined {
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const issuer = text('oauth-issuer');
  const clientId = text('oauth-client-id');
  const others = ['oauth-client-id', 'oauth-client-secret-env', 'oauth-scope', 'oauth-resource', 'oauth-redirect-uri'].filter(
    (n) => values[n] !== undefined,
  );
  if (issuer === undefined) {
    if (others.length > 0) throw new UsageError(`--${others[0] ?? ''} needs --oauth-issuer`);
    return undefined;
  }
  if (clientId === undefined || clientId === '') throw new UsageError('--oauth-issuer needs --oauth-client-id');
  try {
    parseIssuer(issuer);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const secretEnv = text('oauth-client-secret-env');
  const clientSecret = secretEnv === undefined ? undefined : process.env[secretEnv];
  if (secretEnv !== undefined && !clientSecret)
    throw new UsageError(`--oauth-client-secret-env: the environment variable ${secretEnv} is not set`);
  const redirectUri = text('oauth-redirect-uri');
  if (redirectUri !== undefined && !URL.canParse(redirectUri)) throw new UsageError(`--oauth-redirect-uri: not a URL: ${redirectUri}`);
  const scope = text('oauth-scope');
  const resource = text('oauth-resource');
  return {
    issuer,
    clientId,
    ...(clientSecret ? { clientSecret } : {}),
    ...(scope ? { scope } : {}),
    ...(resource ? { resource } : {}),
    ...(redirectUri ? { redirectUri } : {}),
  };
}

async function start(options: ProxyOptions): Promise<RunningProxy> {
  try {
    return await startProxy(options);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message.startsWith('--') ? e.message : `--upstream: ${e.message}`);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${options.dist}: no such directory (run npm run build first)`);
    if (code === undefined && e instanceof Error) throw new CliError(e.message); // the state could not be read
    throw new CliError(`cannot listen on ${options.host}:${options.port}: ${code ?? String(e)}`);
  }
}

export async function proxyCommand(args: string[]): Promise<void> {
  const options = parse(args);
  const running = await start(options);
  if (options.push && options.state !== undefined && !options.secret) {
    process.stderr.write(
      'no EAS_PROXY_SECRET: sessions, push subscriptions and keys are not kept in --state; after a restart users sign in again\n',
    );
  }
  if (options.redis !== undefined && !options.secret) {
    process.stderr.write(
      'no EAS_PROXY_SECRET: sessions, push subscriptions and keys are not kept in Redis; each process knows only its own sign-ins\n',
    );
  }
  process.stdout.write(`listening on ${running.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => void running.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
