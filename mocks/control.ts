/**
 * The mock's control API (for tests, the CLI and the demo panel) and its HTTP
 * form under /mock-control/.
 *
 *   GET  /mock-control/state                      faults, config, devices
 *   GET  /mock-control/folders?user=alice         read-only views of the world (views.ts)
 *   GET  /mock-control/mailbox?user=bob&folder=Inbox[&bodies=1]
 *   GET  /mock-control/oof?user=alice
 *   POST /mock-control/faults          {spec} or a FaultSpec object
 *   POST /mock-control/faults/clear
 *   POST /mock-control/new-mail        {user, from?: {name?, email}}  (from someone else than the generated senders)
 *   POST /mock-control/new-draft       {user, to?: [{name?, email}], subject?, text?, files?: [{name, type, text}]}  (another device's draft) -> {serverId}
 *   POST /mock-control/edit-event      {user}
 *   POST /mock-control/delete-contact  {user}
 *   POST /mock-control/changes         {user, mailEvery, eventEvery, contactEvery}  (seconds; 0 = off)
 *   POST /mock-control/changes/stop
 *   POST /mock-control/wipe            {user, deviceId}
 *   POST /mock-control/other-device    {user, serverId, edit: OtherDeviceEdit}  (mutations.ts) -> {serverId}
 *   POST /mock-control/provisioning    {required}
 */
import type { Mock, MockConfig } from './context.ts';
import { parseFaultSpec, type Faults, type FaultSpec, type StreamSpec } from './faults.ts';
import type { Address, Item } from './model.ts';
import { foldersView, mailboxView, oofView } from './views.ts';
import {
  addContact,
  deleteContact,
  editEvent,
  newDraft,
  newMail,
  otherDevice,
  type DraftFields,
  type OtherDeviceEdit,
} from './mutations.ts';

export interface MockControl {
  readonly faults: Faults;
  configure(config: Partial<MockConfig>): void;
  requireProvisioning(required: boolean): void;
  /** Arms a remote wipe for the device; false when the device never connected. */
  armRemoteWipe(login: string, deviceId: string): boolean;
  newMail(login: string, from?: Address): Item;
  /** A draft saved in the user's Drafts folder by another device. */
  newDraft(login: string, fields: DraftFields): Item;
  editEvent(login: string): Item | undefined;
  deleteContact(login: string): string | undefined;
  /** What another client of the user does to an item (mutations.ts); the item's ServerId afterwards. */
  otherDevice(login: string, serverId: string, edit: OtherDeviceEdit): string | undefined;
  /** Starts a stream of server-side changes (seconds between each kind; 0 = none). */
  startChanges(stream: StreamSpec): void;
  stopChanges(): void;
  http(request: Request, url: URL): Promise<Response>;
  /** Stops timers (change stream) so a test or process can exit. */
  dispose(): void;
}

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json' } });
}

async function readJson(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.trim() === '') return {};
  const v: unknown = JSON.parse(text);
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

export function createControl(mock: Mock, faults: Faults): MockControl {
  const timers: ReturnType<typeof setInterval>[] = [];
  let counter = 0;
  const world = mock.world;

  const control: MockControl = {
    faults,
    configure: (config) => {
      mock.config = { ...mock.config, ...config };
    },
    requireProvisioning: (required) => control.configure({ requireProvisioning: required }),
    armRemoteWipe: (login, deviceId) => {
      const d = mock.devices.find(login, deviceId);
      if (d) d.wipe = 'armed';
      return d !== undefined;
    },
    newMail: (login, from) => newMail(world, login, ++counter, from),
    newDraft: (login, fields) => newDraft(world, login, fields, ++counter),
    editEvent: (login) => editEvent(world, login, ++counter),
    deleteContact: (login) => deleteContact(world, login),
    otherDevice: (login, serverId, edit) => otherDevice(world, login, serverId, edit),
    startChanges: (s) => {
      control.stopChanges();
      const every = (seconds: number, fn: () => void): void => {
        if (seconds > 0) timers.push(setInterval(fn, seconds * 1000 * mock.config.timeScale));
      };
      every(s.mailEvery, () => control.newMail(s.user));
      every(s.eventEvery, () => control.editEvent(s.user));
      every(s.contactEvery, () => {
        if (!control.deleteContact(s.user)) addContact(world, s.user, ++counter);
      });
    },
    stopChanges: () => {
      for (const t of timers.splice(0)) clearInterval(t);
    },
    dispose: () => control.stopChanges(),
    http: (request, url) => route(control, mock, request, url),
  };
  return control;
}

/** The fields of POST /mock-control/new-draft; what is not a string is left out. */
function addressesOf(list: unknown[]): Address[] {
  return list.flatMap((a) => {
    const { name, email } = (a ?? {}) as { name?: unknown; email?: unknown };
    return typeof email === 'string' ? [{ name: typeof name === 'string' ? name : email, email }] : [];
  });
}

const senderOf = (body: Record<string, unknown>): Address | undefined => addressesOf([body['from']])[0];

function draftFields(body: Record<string, unknown>): DraftFields {
  const to = addressesOf(Array.isArray(body['to']) ? body['to'] : []);
  const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  const files = (Array.isArray(body['files']) ? body['files'] : []).flatMap((f) => {
    const { name, type, text: content } = (f ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof content !== 'string') return [];
    return [{ name, contentType: typeof type === 'string' ? type : 'application/octet-stream', bytes: new TextEncoder().encode(content) }];
  });
  return { to, subject: text('subject'), text: text('text'), ...(files.length > 0 && { attachments: files }) };
}

function state(mock: Mock, faults: Faults): unknown {
  return {
    faults: faults.spec,
    log: faults.log.slice(-50),
    config: mock.config,
    devices: mock.devices.all().map((d) => ({
      user: d.login,
      deviceId: d.deviceId,
      deviceType: d.deviceType,
      folderKey: d.folderKey ?? null,
      collections: d.collections.size,
      policyKey: d.policyKey ?? null,
      wipe: d.wipe,
    })),
  };
}

const VIEWS: ReadonlyMap<string, typeof foldersView> = new Map([
  ['folders', foldersView],
  ['mailbox', mailboxView],
  ['oof', oofView],
]);

async function route(control: MockControl, mock: Mock, request: Request, url: URL): Promise<Response> {
  const action = url.pathname
    .toLowerCase()
    .replace(/^\/mock-control\//, '')
    .replace(/\/+$/, '');
  if (request.method === 'GET' && action === 'state') return json(state(mock, control.faults));
  const view = request.method === 'GET' ? VIEWS.get(action) : undefined;
  if (view) return view(mock.world, url);
  if (request.method !== 'POST') return json({ error: 'use POST' }, 405);
  let body: Record<string, unknown>;
  try {
    body = await readJson(request);
  } catch {
    return json({ error: 'invalid JSON' }, 400);
  }
  const user = str(body['user'], 'alice');
  try {
    switch (action) {
      case 'faults': {
        const spec = typeof body['spec'] === 'string' ? parseFaultSpec(body['spec']) : (body as Partial<FaultSpec>);
        control.faults.set(spec);
        const stream = (spec as { stream?: StreamSpec }).stream;
        if (stream) control.startChanges(stream);
        return json(control.faults.spec);
      }
      case 'faults/clear':
        control.faults.clear();
        control.stopChanges();
        return json(control.faults.spec);
      case 'new-mail':
        return json({ serverId: control.newMail(user, senderOf(body)).id });
      case 'new-draft':
        return json({ serverId: control.newDraft(user, draftFields(body)).id });
      case 'edit-event':
        return json({ serverId: control.editEvent(user)?.id ?? null });
      case 'delete-contact':
        return json({ serverId: control.deleteContact(user) ?? null });
      case 'changes':
        control.startChanges({
          user,
          mailEvery: num(body['mailEvery']),
          eventEvery: num(body['eventEvery']),
          contactEvery: num(body['contactEvery']),
        });
        return json({ ok: true });
      case 'changes/stop':
        control.stopChanges();
        return json({ ok: true });
      case 'wipe':
        return json({ armed: control.armRemoteWipe(user, str(body['deviceId'], '')) });
      case 'other-device': {
        const edit = body['edit'];
        if (typeof edit !== 'object' || edit === null || typeof (edit as { kind?: unknown }).kind !== 'string')
          return json({ error: 'edit: an object with a kind' }, 400);
        return json({ serverId: control.otherDevice(user, str(body['serverId'], ''), edit as OtherDeviceEdit) ?? null });
      }
      case 'provisioning':
        control.requireProvisioning(body['required'] === true);
        return json({ required: mock.config.requireProvisioning });
      default:
        return json({ error: `unknown action ${action}` }, 404);
    }
  } catch (e) {
    return json({ error: e instanceof Error ? e.message : String(e) }, 400);
  }
}
