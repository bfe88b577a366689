/**
 * An engine error in the user's language: the engine sends a kind (src/sync/errors.ts
 * ErrorKind, carried across the service worker by protocol.ts) and the catalogs word it
 * (`error.<kind>` in i18n/en.ts and ja.ts). The engine's own English message is only a
 * technical detail, folded away under "Technical details".
 */
import type { MessageKey } from '../i18n/index.ts';
import { useI18n } from '../i18n/index.ts';

const KINDS = new Set([
  'wrong-password',
  'password-expired',
  'unreachable',
  'cors',
  'not-eas',
  'version',
  'blocked',
  'provisioning',
  'redirect',
  'busy',
  'server',
  'protocol',
  'autodiscover',
  'wiped',
  'gone',
]);

/** The catalog key for an error's kind (a thrown error, or a kind as stored), 'error.unknown' for anything else. */
export function errorKey(e: unknown): MessageKey {
  const kind = typeof e === 'string' ? e : (e as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' && KINDS.has(kind) ? (`error.${kind}` as MessageKey) : 'error.unknown';
}

/** The technical detail of an error: its message, for the folded details. */
export function technical(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The detail, folded away; nothing when there is none. */
export function Details({ detail }: { detail?: string }) {
  const { t } = useI18n();
  if (!detail) return null;
  return (
    <details class="error-details">
      <summary>{t('error.details')}</summary>
      <code>{detail}</code>
    </details>
  );
}
