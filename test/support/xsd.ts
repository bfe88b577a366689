/**
 * Validates EAS documents against Microsoft's XSDs (../shared/spec/xsd, optional: see
 * shared.ts) with xmllint.
 *
 * The published XSDs reference other namespaces (and their own namespace's shared
 * definitions) without xs:import / xs:include, which a validating parser rejects. We copy
 * them once into a temporary folder and add the missing imports and includes; the
 * definitions themselves are untouched.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XSD_DIR } from './shared.ts';

/** The schema for a response, by its root element (namespace:name). */
const RESPONSE_XSD: Record<string, string> = {
  'AirSync:Sync': 'SyncResponse.xsd',
  'FolderHierarchy:FolderSync': 'FolderSyncResponse.xsd',
  'FolderHierarchy:FolderCreate': 'FolderCreateResponse.xsd',
  'FolderHierarchy:FolderUpdate': 'FolderUpdateResponse.xsd',
  'FolderHierarchy:FolderDelete': 'FolderDeleteResponse.xsd',
  'GetItemEstimate:GetItemEstimate': 'GetItemEstimateResponse.xsd',
  'ItemOperations:ItemOperations': 'ItemOperationsResponse.xsd',
  'MeetingResponse:MeetingResponse': 'MeetingResponseResponse.xsd',
  'Move:MoveItems': 'MoveItemsResponse.xsd',
  'Ping:Ping': 'PingResponse.xsd',
  'Provision:Provision': 'ProvisionResponse.xsd',
  'ResolveRecipients:ResolveRecipients': 'ResolveRecipientsResponse.xsd',
  'Search:Search': 'SearchResponse.xsd',
  'ComposeMail:SendMail': 'SendMailResponse.xsd',
  'ComposeMail:SmartForward': 'SmartForwardResponse.xsd',
  'ComposeMail:SmartReply': 'SmartReplyResponse.xsd',
  'Settings:Settings': 'SettingsResponse.xsd',
  'ValidateCert:ValidateCert': 'ValidateCertResponse.xsd',
  'Find:Find': 'FindResponse.xsd',
};

const XS = 'http://www.w3.org/2001/XMLSchema';
let patchedDir: string | undefined;

function targetNamespace(xsd: string): string | undefined {
  return /targetNamespace="([^"]+)"/.exec(xsd)?.[1];
}

/**
 * The file holding a namespace's shared definitions: `<ns>.xsd` where it exists, else the
 * only file with that target namespace (MeetingResponse has just MeetingResponseResponse.xsd).
 */
function baseFiles(sources: Map<string, string>): Map<string, string> {
  const base = new Map<string, string>();
  for (const [file, xsd] of sources) {
    const ns = targetNamespace(xsd);
    if (ns && (!base.has(ns) || file === `${ns}.xsd`)) base.set(ns, file);
  }
  return base;
}

/**
 * Where another namespace's definitions must come from a file other than its base:
 * ProvisionResponse.xsd refers to settings:DeviceInformation, which only SettingsResponse.xsd
 * declares (it includes Settings.xsd in turn).
 */
const IMPORT_FROM: Readonly<Record<string, string>> = { Settings: 'SettingsResponse.xsd' };

/** Adds xs:import for every other namespace the file declares, and xs:include of its namespace's base file. */
function patch(file: string, xsd: string, base: Map<string, string>): string {
  const own = targetNamespace(xsd);
  const declared = new Set([...xsd.matchAll(/xmlns:\w+\s*=\s*"([^"]+)"/g)].map((m) => m[1]!));
  const lines: string[] = [];
  for (const ns of declared) {
    const location = IMPORT_FROM[ns] ?? base.get(ns);
    if (ns === XS || ns === own || !location) continue;
    if (!xsd.includes(`namespace="${ns}"`)) lines.push(`<xs:import namespace="${ns}" schemaLocation="${location}"/>`);
  }
  const ownBase = own ? base.get(own) : undefined;
  if (ownBase && ownBase !== file) lines.push(`<xs:include schemaLocation="${ownBase}"/>`);
  if (lines.length === 0) return xsd;
  // Imports and includes come first in a schema: right after the opening xs:schema tag.
  return xsd.replace(/(<xs:schema\b[^>]*>)/, `$1\n${lines.join('\n')}`);
}

export function patchedSchemas(): string {
  if (patchedDir) return patchedDir;
  const dir = mkdtempSync(join(tmpdir(), 'eas-xsd-'));
  mkdirSync(dir, { recursive: true });
  const sources = new Map(
    readdirSync(XSD_DIR)
      .filter((f) => f.endsWith('.xsd'))
      .map((f) => [f, readFileSync(join(XSD_DIR, f), 'utf8')] as const),
  );
  const base = baseFiles(sources);
  for (const [f, xsd] of sources) writeFileSync(join(dir, f), patch(f, xsd, base));
  patchedDir = dir;
  return dir;
}

export interface XsdResult {
  readonly ok: boolean;
  readonly schema?: string;
  readonly errors: string;
}

/** Validates the XML form of a response; the schema is chosen by the root element. */
export function validateResponse(xml: string): XsdResult {
  const root = /<(\w+)\s+xmlns="([^"]+)"/.exec(xml);
  const schema = root ? RESPONSE_XSD[`${root[2]}:${root[1]}`] : undefined;
  if (!schema) return { ok: false, errors: `no response schema for the root of: ${xml.slice(0, 80)}` };
  const dir = patchedSchemas();
  const file = join(dir, `doc-${process.pid}.xml`);
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--nowarning', '--schema', join(dir, schema), file], { stdio: 'pipe' });
    return { ok: true, schema, errors: '' };
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer }).stderr ?? e);
    return {
      ok: false,
      schema,
      errors: stderr
        .split('\n')
        .filter((l) => !/namespace warning|xmlns: URI|^\s*\^?\s*$|^\s*</.test(l))
        .join('\n'),
    };
  }
}
