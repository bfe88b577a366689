/**
 * The demo's fault panel: a button that opens a dialog with the mock server's faults
 * (drop the network, 503, invalid SyncKey, new mail now). Shown only in demo mode.
 * The actions reach the mock where it runs (the service worker) as messages.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DemoAction, DemoState } from '../../demo/demo.ts';
import { Dialog } from '../components/Dialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { useApp, useLive } from '../data/live.ts';
import { listAccounts } from '../data/read.ts';
import { useI18n, type MessageKey } from '../i18n/index.ts';
import { demoRequested, isDemoAccount } from './demo-mode.ts';

const LABEL: Readonly<Record<Exclude<DemoAction, 'state'>, MessageKey>> = {
  'network-down': 'demo.dropNetwork',
  'network-up': 'demo.restoreNetwork',
  '503': 'demo.fail503',
  'invalid-synckey': 'demo.invalidSyncKey',
  'new-mail': 'demo.newMail',
};

export function DemoPanel() {
  const { demo } = useApp();
  const { t } = useI18n();
  const accounts = useLive(listAccounts, [], ['accounts']).value ?? [];
  const [open, setOpen] = useState(false);
  const demoAccount = accounts.find(isDemoAccount);
  if (!demo || (!demoAccount && !demoRequested())) return null;
  // Its own strip above the tabs (a rail's foot on a desktop), so it never covers a screen's content.
  return (
    <div class="demo-bar">
      <button type="button" class="demo-fab btn small" onClick={() => setOpen(true)} aria-haspopup="dialog">
        <Icon name="warn" /> {t('demo.open')}
      </button>
      {open && <FaultDialog act={demo} login={demoAccount?.user ?? 'alice'} onClose={() => setOpen(false)} />}
    </div>
  );
}

function FaultDialog({
  act,
  login,
  onClose,
}: {
  act: (a: DemoAction, user?: string) => Promise<DemoState>;
  login: string;
  onClose: () => void;
}) {
  const { client } = useApp();
  const { t } = useI18n();
  const [state, setState] = useState<DemoState | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void act('state').then(setState);
  }, [act]);
  const run = async (action: Exclude<DemoAction, 'state'>) => {
    setBusy(true);
    try {
      setState(await act(action, login));
      setDone(t('demo.done', { action: t(LABEL[action]) }));
      // A fault shows on the next request: make one.
      if (action === '503' || action === 'invalid-synckey') void client.syncNow().catch(() => undefined);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('demo.title')} onClose={onClose}>
      <p class="hint">{t('demo.intro')}</p>
      <p role="status" class="demo-state">
        {state && (state.networkDown ? t('demo.networkDown') : t('demo.networkUp'))}{' '}
        {state && t('demo.pending', { busy: state.pending.unavailable, synckey: state.pending.invalidSyncKey })}
        {done && <span class="demo-done"> {done}</span>}
      </p>
      <div class="demo-actions">
        <button
          type="button"
          class="btn"
          disabled={busy || !state}
          onClick={() => void run(state?.networkDown ? 'network-up' : 'network-down')}
        >
          {t(state?.networkDown ? 'demo.restoreNetwork' : 'demo.dropNetwork')}
        </button>
        <button type="button" class="btn" disabled={busy} onClick={() => void run('503')}>
          {t('demo.fail503')}
        </button>
        <button type="button" class="btn" disabled={busy} onClick={() => void run('invalid-synckey')}>
          {t('demo.invalidSyncKey')}
        </button>
        <button type="button" class="btn" disabled={busy} onClick={() => void run('new-mail')}>
          {t('demo.newMail')}
        </button>
      </div>
      <div class="button-row end">
        <button type="button" class="btn primary" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </Dialog>
  );
}
