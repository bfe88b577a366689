/**
 * The protocol inspector: every request and response, decoded from WBXML to XML with
 * the code-page names (MS-ASWBXML), with timing and size, copyable as XML or as base64
 * WBXML. A developer view, switched on in Settings.
 */
import { useEffect, useReducer, useState } from 'preact/hooks';
import { decodeEas, easToXml } from '../../eas/wbxml.ts';
import { toBase64 } from '../../wbxml/base64.ts';
import { Icon } from '../components/Icon.tsx';
import type { TraceEntry } from '../../runtime/engine-client.ts';
import { useI18n } from '../i18n/index.ts';
import { clearTraces, onTraces, traces } from './trace-buffer.ts';

const header = (headers: ReadonlyArray<readonly [string, string]>, name: string) => headers.find(([k]) => k.toLowerCase() === name)?.[1];

/** The body as XML when it is WBXML; otherwise a note saying what it is. */
export function bodyAsXml(bytes: Uint8Array, contentType: string | undefined, t: ReturnType<typeof useI18n>['t']): string {
  if (bytes.length === 0) return t('inspector.emptyBody');
  if (contentType && !contentType.includes('wbxml')) {
    return contentType.startsWith('text/') || contentType.includes('xml')
      ? new TextDecoder().decode(bytes)
      : t('inspector.notWbxml', { type: contentType });
  }
  try {
    return easToXml(decodeEas(bytes));
  } catch (e) {
    return `${t('inspector.notWbxml', { type: contentType ?? '?' })}\n${e instanceof Error ? e.message : String(e)}`;
  }
}

export function InspectorScreen() {
  const { t } = useI18n();
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  useEffect(() => onTraces(() => redraw(0)), []);
  const list = [...traces()].reverse();
  return (
    <div class="screen-col">
      <header class="bar">
        <h1 tabIndex={-1}>{t('inspector.title')}</h1>
        <button type="button" class="btn small" onClick={clearTraces}>
          {t('inspector.clear')}
        </button>
      </header>
      <div class="screen-body">
        <p class="hint padded">{t('inspector.intro')}</p>
        {list.length === 0 && <p class="empty">{t('inspector.empty')}</p>}
        <ul class="plain-list" aria-live="polite">
          {list.map((e) => (
            <li key={e.id}>
              <TraceRow entry={e} />
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function TraceRow({ entry }: { entry: TraceEntry }) {
  const { t, time, number } = useI18n();
  const [open, setOpen] = useState(false);
  const [copied, setCopied] = useState<string | undefined>();
  const ok = entry.status >= 200 && entry.status < 300;
  const copy = (what: string, text: string) => async () => {
    await navigator.clipboard.writeText(text);
    setCopied(what);
    setTimeout(() => setCopied(undefined), 1500);
  };
  const reqType = header(entry.requestHeaders, 'content-type');
  const resType = header(entry.responseHeaders, 'content-type');
  return (
    <details class="trace" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <span class="cmd">{entry.cmd}</span>
        <span class={'st' + (ok ? '' : ' bad')}>{entry.status || '—'}</span>
        <span class="sub">{t('inspector.ms', { count: number(Math.round(entry.ms)) })}</span>
        <span class="sub">
          {number(entry.requestBytes.length)} / {t('inspector.bytes', { count: number(entry.responseBytes.length) })}
        </span>
        <span class="sub">{time(new Date(entry.at))}</span>
      </summary>
      {open && (
        <div>
          <p class="sub padded">
            {entry.method} {entry.url}
          </p>
          {(
            [
              ['request', entry.requestBytes, reqType, entry.requestHeaders],
              ['response', entry.responseBytes, resType, entry.responseHeaders],
            ] as const
          ).map(([which, bytes, type, headers]) => {
            const xml = bodyAsXml(bytes, type, t);
            return (
              <section key={which} aria-label={t(`inspector.${which}`)}>
                <h3 class="section-title">{t(`inspector.${which}`)}</h3>
                <pre>{headers.map(([k, v]) => `${k}: ${k.toLowerCase() === 'authorization' ? '•••' : v}`).join('\n')}</pre>
                <pre>{xml}</pre>
                <div class="button-row padded">
                  <button type="button" class="btn small" onClick={copy(which + 'x', xml)}>
                    <Icon name="check" /> {copied === which + 'x' ? t('inspector.copied') : t('inspector.copyXml')}
                  </button>
                  <button type="button" class="btn small" onClick={copy(which + 'b', toBase64(bytes))} disabled={bytes.length === 0}>
                    {copied === which + 'b' ? t('inspector.copied') : t('inspector.copyBase64')}
                  </button>
                </div>
              </section>
            );
          })}
        </div>
      )}
    </details>
  );
}
