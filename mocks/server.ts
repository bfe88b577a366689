/**
 * The mock EAS server as one fetch-standard function: `handle(Request) -> Response`.
 * The same function serves MSW handlers (tests), a Node HTTP server (`eas mock`)
 * and the app's service worker (the browser demo).
 *
 * HTTP behaviour follows MS-ASHTTP: POST with the command in the query (plain or
 * base64 form), HTTP Basic, MS-ASProtocolVersion, OPTIONS listing versions and
 * commands, 401/449/451/503 where a server uses them.
 */
import { isEasVersion, atLeast, type EasVersion } from '../src/eas/version.ts';
import { decodeEas, encodeEas } from '../src/eas/wbxml.ts';
import { el, type El } from '../src/wbxml/tree.ts';
import { authenticate, unauthorized } from './auth.ts';
import { autodiscover, autodiscoverJson } from './autodiscover.ts';
import { bearerChallenge, bearerUser, bearerVerifier, type BearerOptions } from './bearer.ts';
import { HANDLERS, STATUS_ROOT } from './commands/index.ts';
import { DEFAULT_CONFIG, type CommandContext, type CommandResult, type Mock, type MockConfig } from './context.ts';
import { createControl, type MockControl } from './control.ts';
import { buildDemoWorld, type DemoOptions } from './data.ts';
import { Faults, parseFaultSpec, type FaultSpec, type StreamSpec } from './faults.ts';
import type { User } from './model.ts';
import { parseQuery, type EasQuery } from './query.ts';
import { DeviceRegistry, type DeviceState } from './state.ts';

/** Versions the mock speaks (MS-ASHTTP 2.2.2.1.2.4 MS-ASProtocolVersions). */
export const MOCK_VERSIONS: readonly EasVersion[] = ['12.1', '14.0', '14.1', '16.0', '16.1'];

export const WBXML_TYPE = 'application/vnd.ms-sync.wbxml';

export interface MockServerOptions {
  /** Seed of the demo data and of random faults (default 1). */
  readonly seed?: number;
  /** The server's clock (default Date.now); tests pin it. */
  readonly now?: () => number;
  readonly config?: Partial<MockConfig>;
  /** Demo data sizes; `false` gives users and folders without items. */
  readonly data?: Partial<DemoOptions> | false;
  /** Faults from the start: an object or the CLI form ("latency=200,503=1"). */
  readonly faults?: Partial<FaultSpec> | string;
  /** The versions offered (default MOCK_VERSIONS); a request naming another gets HTTP 400. */
  readonly versions?: readonly EasVersion[];
  /** Accept only Bearer JWTs of this issuer and audience (Exchange Online); Basic is refused. */
  readonly bearer?: BearerOptions;
  /** Answer a POST with 451 unless a `DefaultAnchorMailbox` cookie names the user's address. */
  readonly anchorCookie?: boolean;
}

/** How the mock meets a request before any command: who is asking, which versions it offers. */
export interface Door {
  /** The user of the request, or undefined (then `challenge()` is the answer). */
  user(request: Request): Promise<User | undefined>;
  challenge(): Response;
  readonly versions: readonly EasVersion[];
  readonly anchorCookie: boolean;
}

function doorOf(mock: Mock, options: MockServerOptions): Door {
  const versions = options.versions ?? MOCK_VERSIONS;
  const anchorCookie = options.anchorCookie ?? false;
  const bearer = options.bearer;
  if (!bearer) return { user: async (request) => authenticate(mock, request), challenge: unauthorized, versions, anchorCookie };
  const verify = bearerVerifier(bearer);
  return { user: (request) => bearerUser(mock, verify, bearer, request), challenge: bearerChallenge, versions, anchorCookie };
}

export interface MockServer {
  handle(request: Request): Promise<Response>;
  readonly control: MockControl;
  readonly mock: Mock;
}

export function createMockServer(options: MockServerOptions = {}): MockServer {
  const seed = options.seed ?? 1;
  const clock = options.now ?? Date.now;
  const world = buildDemoWorld({ seed, now: clock, ...(options.data === false ? { empty: true } : options.data) });
  const mock: Mock = { world, devices: new DeviceRegistry(), config: { ...DEFAULT_CONFIG, ...options.config } };
  const faults = new Faults(seed);
  const control = createControl(mock, faults);
  const door = doorOf(mock, options);
  const initial = typeof options.faults === 'string' ? parseFaultSpec(options.faults) : options.faults;
  if (initial) {
    faults.set(initial);
    const stream = (initial as { stream?: StreamSpec }).stream;
    if (stream) control.startChanges(stream);
  }
  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname.toLowerCase().startsWith('/mock-control/')) return control.http(request, url);
    return faults.wrap(request, () => route(mock, door, faults, request, url));
  };
  return { handle, control, mock };
}

// ------------------------------------------------------------------ routing

async function route(mock: Mock, door: Door, faults: Faults, request: Request, url: URL): Promise<Response> {
  const path = url.pathname.toLowerCase().replace(/\/+$/, '');
  if (path.endsWith('/autodiscover/autodiscover.xml')) return autodiscover(mock, door, request, url);
  if (path.includes('/autodiscover/autodiscover.json/')) return autodiscoverJson(mock, request, url);
  if (path.endsWith('/microsoft-server-activesync')) return eas(mock, door, faults, request, url);
  return new Response('Not Found', { status: 404 });
}

const COMMANDS = Object.keys(HANDLERS).join(',');

/** OPTIONS (MS-ASHTTP 2.2.3): versions and commands in headers, empty body. */
function options(versions: readonly EasVersion[]): Response {
  return new Response(null, {
    status: 200,
    headers: {
      Allow: 'OPTIONS,POST',
      Public: 'OPTIONS,POST',
      'MS-Server-ActiveSync': '16.1',
      'MS-ASProtocolVersions': versions.join(','),
      'MS-ASProtocolCommands': COMMANDS,
      'Cache-Control': 'private',
    },
  });
}

function commonHeaders(): Record<string, string> {
  return { 'MS-Server-ActiveSync': '16.1', 'Cache-Control': 'private' };
}

async function eas(mock: Mock, door: Door, faults: Faults, request: Request, url: URL): Promise<Response> {
  const user = await door.user(request);
  if (!user) return door.challenge();
  if (request.method === 'OPTIONS') return options(door.versions);
  if (request.method !== 'POST') return new Response(null, { status: 405, headers: { Allow: 'OPTIONS,POST' } });
  if (door.anchorCookie && !anchoredTo(request, user)) return new Response('DefaultAnchorMailbox cookie missing', { status: 451 });
  const query = parseQuery(url);
  if (!query?.deviceId || !query.deviceType) return new Response('Bad Request', { status: 400 });
  const version = query.version ?? request.headers.get('MS-ASProtocolVersion') ?? '';
  if (!isEasVersion(version) || !door.versions.includes(version)) return new Response('Bad Request', { status: 400 });
  const handler = HANDLERS[query.cmd];
  if (!handler) return new Response('Not Implemented', { status: 501 });
  const device = mock.devices.get(user.login, query.deviceId, query.deviceType);
  faults.beforeCommand(query.cmd, device);
  const gate = provisionGate(mock, query, request, device, version);
  if (gate) return gate;
  const raw = new Uint8Array(await request.arrayBuffer());
  let body: El | null = null;
  const type = request.headers.get('Content-Type') ?? '';
  if (raw.length > 0 && !/rfc822/i.test(type)) {
    try {
      body = decodeEas(raw);
    } catch {
      return new Response('Bad Request: invalid WBXML', { status: 400 });
    }
  }
  const mailbox = mock.world.mailboxes.get(user.login);
  if (!mailbox) return new Response('Internal Server Error', { status: 500 });
  const ctx: CommandContext = {
    mock,
    user,
    mailbox,
    device,
    version,
    params: query.params,
    body,
    raw,
    headers: request.headers,
    signal: request.signal,
  };
  return toResponse(await handler(ctx));
}

/**
 * Exchange Online routes a request by the `DefaultAnchorMailbox` cookie and answers 451 without
 * it (no X-MS-Location: there is nowhere better to go). Cookie syntax: RFC 6265 4.2.1.
 */
function anchoredTo(request: Request, user: User): boolean {
  for (const pair of (request.headers.get('Cookie') ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (
      eq > 0 &&
      pair.slice(0, eq).trim() === 'DefaultAnchorMailbox' &&
      pair
        .slice(eq + 1)
        .trim()
        .toLowerCase() === user.email.toLowerCase()
    )
      return true;
  }
  return false;
}

/** Our byte arrays always own a plain ArrayBuffer; the DOM typings want that said. */
function bodyOf(bytes: Uint8Array): BodyInit {
  return bytes as Uint8Array<ArrayBuffer>;
}

export function toResponse(result: CommandResult): Response {
  const headers = commonHeaders();
  if ('tree' in result) {
    return new Response(encodeEas(result.tree), { status: 200, headers: { ...headers, 'Content-Type': WBXML_TYPE } });
  }
  if ('empty' in result) return new Response(null, { status: 200, headers });
  if ('bytes' in result) {
    return new Response(bodyOf(result.bytes), { status: 200, headers: { ...headers, 'Content-Type': result.contentType } });
  }
  return new Response(null, { status: result.http, headers: { ...headers, ...result.headers } });
}

// ------------------------------------------------------------------ provisioning

/** A response carrying only a common status code in the command's own root (MS-ASCMD 2.2.2). */
function statusOnly(cmd: string, status: number): Response {
  const root = STATUS_ROOT[cmd];
  if (!root) return new Response(null, { status: 449 });
  const tree =
    cmd === 'MeetingResponse'
      ? el(root.ns, root.name, el(root.ns, 'Result', el(root.ns, 'Status', status)))
      : el(root.ns, root.name, el(root.ns, 'Status', status));
  return toResponse({ tree });
}

/**
 * MS-ASPROV 3.2.5.1 / MS-ASCMD 2.2.2: a wiped or unprovisioned device gets 449
 * (12.x) or the command's Status 140 (remote wipe), 142 (not provisioned) or
 * 144 (invalid policy key) from 14.0 on.
 */
function provisionGate(mock: Mock, query: EasQuery, request: Request, device: DeviceState, version: EasVersion): Response | undefined {
  if (query.cmd === 'Provision') return undefined;
  const fail = (status: number): Response =>
    atLeast(version, '14.0') ? statusOnly(query.cmd, status) : new Response(null, { status: 449, headers: commonHeaders() });
  if (device.wipe === 'armed') return fail(140);
  if (!mock.config.requireProvisioning) return undefined;
  const key = query.policyKey ?? request.headers.get('X-MS-PolicyKey') ?? '';
  if (key === '' || key === '0') return fail(142);
  if (key !== device.policyKey) return fail(144);
  return undefined;
}
