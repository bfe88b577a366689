/**
 * The app shell: navigation (bottom tabs on a phone, a rail from 900 px), status
 * banners, and the screen for the current route. Only Mail is in the first chunk; the
 * other screens load on first use.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Icon, type IconName } from './components/Icon.tsx';
import { lazyScreen } from './components/lazy.tsx';
import { AppContext, useLive, type AppHandles } from './data/live.ts';
import { listAccounts } from './data/read.ts';
import {
  createI18n,
  I18nContext,
  loadLangChoice,
  resolveLang,
  saveLangChoice,
  useI18n,
  type LangChoice,
  type MessageKey,
} from './i18n/index.ts';
import { MailScreen } from './mail/MailScreen.tsx';
import { PrefsContext, usePrefs, type Prefs } from './prefs.ts';
import { href, useRoute, type Route } from './router.ts';
import { StatusBanners } from './status/Status.tsx';
import { UpdateBanner } from './status/UpdateBanner.tsx';
import { DemoPanel } from './demo/DemoPanel.tsx';
import { notificationsWanted, useNewMailNotifications } from './status/notify.ts';
import { usePushRelay } from './status/push.ts';
import { useReminders } from './status/reminders.ts';

const CalendarScreen = lazyScreen(() => import('./calendar/CalendarScreen.tsx').then((m) => m.CalendarScreen));
const EventScreen = lazyScreen(() => import('./calendar/EventScreen.tsx').then((m) => m.EventScreen));
const ContactsScreen = lazyScreen(() => import('./contacts/ContactsScreen.tsx').then((m) => m.ContactsScreen));
const TasksScreen = lazyScreen(() => import('./tasks/TasksScreen.tsx').then((m) => m.TasksScreen));
const SettingsScreen = lazyScreen(() => import('./settings/SettingsScreen.tsx').then((m) => m.SettingsScreen));
const SetupScreen = lazyScreen(() => import('./setup/SetupScreen.tsx').then((m) => m.SetupScreen));
const InspectorScreen = lazyScreen(() => import('./inspector/InspectorScreen.tsx').then((m) => m.InspectorScreen));
const ComposeScreen = lazyScreen(() => import('./compose/ComposeScreen.tsx').then((m) => m.ComposeScreen));

const INSPECTOR_KEY = 'eas-pwa.inspector';

export function App({ handles }: { handles: AppHandles }) {
  const [langChoice, setChoice] = useState<LangChoice>(loadLangChoice);
  const [inspector, setInspectorState] = useState(() => localStorage.getItem(INSPECTOR_KEY) === '1');
  const i18n = useMemo(() => createI18n(resolveLang(langChoice)), [langChoice]);
  useEffect(() => {
    document.documentElement.lang = i18n.lang;
    document.title = i18n.t('app.name');
  }, [i18n]);
  const prefs: Prefs = {
    langChoice,
    setLangChoice(choice) {
      saveLangChoice(choice);
      setChoice(choice);
    },
    inspector,
    setInspector(on) {
      localStorage.setItem(INSPECTOR_KEY, on ? '1' : '0');
      setInspectorState(on);
    },
  };
  return (
    <AppContext.Provider value={handles}>
      <I18nContext.Provider value={i18n}>
        <PrefsContext.Provider value={prefs}>
          <Shell />
        </PrefsContext.Provider>
      </I18nContext.Provider>
    </AppContext.Provider>
  );
}

interface NavItem {
  readonly key: 'mail' | 'calendar' | 'contacts' | 'tasks' | 'settings' | 'inspector';
  readonly icon: IconName;
  readonly label: MessageKey;
  readonly href: string;
}

const NAV: readonly NavItem[] = [
  { key: 'mail', icon: 'mail', label: 'nav.mail', href: href.mail() },
  { key: 'calendar', icon: 'calendar', label: 'nav.calendar', href: href.calendar('agenda') },
  { key: 'contacts', icon: 'contacts', label: 'nav.contacts', href: href.contacts() },
  { key: 'tasks', icon: 'tasks', label: 'nav.tasks', href: href.tasks() },
  { key: 'settings', icon: 'settings', label: 'nav.settings', href: href.settings() },
  { key: 'inspector', icon: 'inspector', label: 'nav.inspector', href: href.inspector() },
];

function section(route: Route): NavItem['key'] | undefined {
  switch (route.name) {
    case 'mail':
    case 'outbox':
    case 'drafts':
    case 'mailSearch':
    case 'compose':
      return 'mail';
    case 'calendar':
    case 'event':
      return 'calendar';
    case 'contacts':
    case 'tasks':
    case 'settings':
    case 'inspector':
      return route.name;
    default:
      return undefined;
  }
}

function Shell() {
  const { t } = useI18n();
  const { inspector } = usePrefs();
  const route = useRoute();
  const accounts = useLive(listAccounts, [], ['accounts']);
  useNewMailNotifications();
  usePushRelay(accounts.loading ? undefined : (accounts.value ?? []), notificationsWanted);
  useReminders();
  const noAccount = !accounts.loading && (accounts.value ?? []).length === 0;
  const showSetup = route.name === 'setup' || (noAccount && route.name !== 'settings');
  const current = section(route);
  const items = NAV.filter((n) => n.key !== 'inspector' || inspector);

  useEffect(() => {
    // Move focus to the new screen's heading so keyboard and screen reader users follow.
    document.querySelector<HTMLElement>('#main h1')?.focus({ preventScroll: true });
  }, [route.name]);

  return (
    <div class="shell">
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is a link to #main; the hash router owns the hash, so the click moves focus itself */}
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        {t('app.skip')}
      </a>
      <nav class="nav" aria-label={t('nav.main')}>
        <ul>
          {items.map((n) => (
            <li key={n.key}>
              <a href={n.href} aria-current={current === n.key ? 'page' : undefined}>
                <Icon name={n.icon} size={22} />
                <span>{t(n.label)}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <UpdateBanner />
        <StatusBanners />
        {accounts.loading ? null : showSetup ? <SetupScreen /> : <Screen route={route} />}
      </main>
      <DemoPanel />
    </div>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'mail':
    case 'outbox':
    case 'drafts':
    case 'mailSearch':
      return <MailScreen route={route} />;
    case 'compose':
      return <ComposeScreen route={route} />;
    case 'calendar':
      return <CalendarScreen route={route} />;
    case 'event':
      return <EventScreen route={route} />;
    case 'contacts':
      return <ContactsScreen route={route} />;
    case 'tasks':
      return <TasksScreen route={route} />;
    case 'settings':
      return <SettingsScreen />;
    case 'inspector':
      return <InspectorScreen />;
    case 'setup':
      return <SetupScreen />;
  }
}
