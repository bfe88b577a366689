/**
 * A tiny EAS client of its own for driving the mock in tests: it builds request
 * trees with `el` and reads answers with the tree helpers, independent of the
 * app's command modules (so the mock and the client check each other).
 */
import { decodeEas, easToXml, encodeEas } from '../../src/eas/wbxml.ts';
import { kid, kids, ns, textAt, type El } from '../../src/wbxml/tree.ts';
import { noXsds } from '../support/shared.ts';
import { validateResponse } from '../support/xsd.ts';
import { createMockServer, type MockServer, type MockServerOptions } from '../../mocks/server.ts';

/** Every WBXML answer the tests receive is validated against Microsoft's XSDs (xmllint), where they are. */
function checkSchema(tree: El): void {
  if (noXsds("the XSD check of the mock's answers")) return;
  const xml = easToXml(tree);
  const r = validateResponse(xml);
  if (!r.ok) throw new Error(`${tree.name} answer fails ${r.schema ?? 'XSD'}:\n${r.errors}\n${xml.slice(0, 4000)}`);
}

export const A = ns('AirSync');
export const F = ns('FolderHierarchy');
export const B = ns('AirSyncBase');

/** A fixed clock: 2026-05-15 03:00 UTC (12:00 in Tokyo). */
export const NOW = Date.UTC(2026, 4, 15, 3, 0, 0);

export function testServer(options: MockServerOptions = {}): MockServer {
  return createMockServer({ seed: 1, now: () => NOW, config: { minHeartbeat: 1, timeScale: 0.01 }, ...options });
}

export interface ClientOptions {
  readonly user?: string;
  readonly password?: string;
  readonly deviceId?: string;
  readonly version?: string;
  policyKey?: string;
}

export interface Answer {
  readonly status: number;
  readonly tree: El | null;
  readonly response: Response;
}

export class TestClient {
  readonly user: string;
  readonly password: string;
  readonly deviceId: string;
  readonly version: string;
  policyKey?: string;

  constructor(
    readonly server: MockServer,
    o: ClientOptions = {},
  ) {
    this.user = o.user ?? 'alice';
    this.password = o.password ?? `${this.user}pass`;
    this.deviceId = o.deviceId ?? 'DEV1';
    this.version = o.version ?? '14.1';
    this.policyKey = o.policyKey;
  }

  url(cmd: string, params: Record<string, string> = {}): string {
    const q = new URLSearchParams({ Cmd: cmd, User: this.user, DeviceId: this.deviceId, DeviceType: 'TestDevice', ...params });
    return `http://mock.test/Microsoft-Server-ActiveSync?${q}`;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = {
      Authorization: `Basic ${btoa(`${this.user}:${this.password}`)}`,
      'MS-ASProtocolVersion': this.version,
      'Content-Type': 'application/vnd.ms-sync.wbxml',
      ...extra,
    };
    if (this.policyKey) h['X-MS-PolicyKey'] = this.policyKey;
    return h;
  }

  async post(cmd: string, tree: El | null, params: Record<string, string> = {}, extra: Record<string, string> = {}): Promise<Answer> {
    const body = tree ? (encodeEas(tree) as Uint8Array<ArrayBuffer>) : undefined;
    const response = await this.server.handle(new Request(this.url(cmd, params), { method: 'POST', headers: this.headers(extra), body }));
    return this.read(response);
  }

  async read(response: Response): Promise<Answer> {
    const bytes = new Uint8Array(await response.clone().arrayBuffer());
    const wbxml = response.headers.get('Content-Type')?.includes('wbxml') && bytes.length > 0;
    const tree = wbxml ? decodeEas(bytes) : null;
    if (tree) checkSchema(tree);
    return { status: response.status, tree, response };
  }

  /** FolderSync; returns the new key and the folders of the answer. */
  async folderSync(key = '0'): Promise<{ key: string; status: number; adds: El[]; changes: El }> {
    const a = await this.post('FolderSync', F('FolderSync', F('SyncKey', key)));
    const root = a.tree as El;
    const changes = kid(root, 'Changes') ?? F('Changes');
    return { key: textAt(root, 'SyncKey') ?? '', status: Number(textAt(root, 'Status')), adds: kids(changes, 'Add'), changes };
  }

  /** One Sync of one collection; returns that collection of the answer (or undefined for an empty answer). */
  async sync(collection: El, extra: El[] = []): Promise<{ answer: Answer; collection?: El }> {
    const answer = await this.post('Sync', A('Sync', A('Collections', collection), extra));
    const c = answer.tree ? kid(kid(answer.tree, 'Collections') ?? answer.tree, 'Collection') : undefined;
    return { answer, collection: c };
  }
}

/** The ServerId of the first folder called `name` in FolderSync Adds. */
export function folderId(adds: El[], name: string): string {
  const add = adds.find((a) => textAt(a, 'DisplayName') === name);
  if (!add) throw new Error(`no folder ${name}`);
  return textAt(add, 'ServerId') ?? '';
}

export interface FullSync {
  key: string;
  ids: Set<string>;
  rounds: number;
  adds: El[];
}

/** SyncKey 0, then GetChanges rounds until MoreAvailable is gone. */
export async function fullSync(c: TestClient, collectionId: string, window = 100, options: El[] = []): Promise<FullSync> {
  const first = await c.sync(
    A('Collection', A('SyncKey', '0'), A('CollectionId', collectionId), options.length > 0 && A('Options', options)),
  );
  let key = textAt(first.collection, 'SyncKey') ?? '';
  const ids = new Set<string>();
  const adds: El[] = [];
  let rounds = 0;
  for (;;) {
    const r = await c.sync(
      A('Collection', A('SyncKey', key), A('CollectionId', collectionId), A('GetChanges', '1'), A('WindowSize', window)),
    );
    if (!r.collection) break;
    rounds++;
    key = textAt(r.collection, 'SyncKey') ?? key;
    for (const add of kids(kid(r.collection, 'Commands') ?? A('Commands'), 'Add')) {
      ids.add(textAt(add, 'ServerId') ?? '');
      adds.push(add);
    }
    if (!kid(r.collection, 'MoreAvailable')) break;
  }
  return { key, ids, rounds, adds };
}
