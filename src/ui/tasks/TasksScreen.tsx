/** Tasks: grouped by due date, completed with one tap, created and edited with due dates and reminders. */
import { useState } from 'preact/hooks';
import type { Task } from '../../eas/items/task.ts';
import type { Db } from '../../store/db.ts';
import type { ItemOf, ItemRecord } from '../../store/schema.ts';
import { ofClass } from '../../store/item.ts';
import { Field } from '../components/Field.tsx';
import { Icon } from '../components/Icon.tsx';
import { refOf, type ItemRef } from '../../runtime/engine-client.ts';
import { useApp, useLive } from '../data/live.ts';
import { getItem, listAllFolders, listFolderItems } from '../data/read.ts';
import { useI18n, type I18n, type MessageKey } from '../i18n/index.ts';
import { FolderSelect, folderKey, loadFolderChoice, saveFolderChoice, targetFolder } from '../components/FolderSelect.tsx';
import { classOf, folderName, folderTree, type TreeRow } from '../mail/folders.ts';
import { href, navigate, type Route } from '../router.ts';
import { SyncButton } from '../status/Status.tsx';
import { localDayKey } from '../data/days.ts';
import {
  applyTaskEdits,
  formFromTask,
  groupOf,
  taskDay,
  withCompletion,
  type TaskField,
  type TaskForm,
  type TaskGroup,
} from './task-edit.ts';

type TasksRoute = Extract<Route, { name: 'tasks' }>;

async function loadTasks(db: Db): Promise<ItemRecord[]> {
  const folders = (await listAllFolders(db)).filter((f) => classOf(f) === 'Tasks' && f.enabled);
  return (await Promise.all(folders.map((f) => listFolderItems(db, f.accountId, f.serverId)))).flat();
}

export function TasksScreen({ route }: { route: TasksRoute }) {
  if (route.create) return <TaskEditor />;
  if (route.ref) return <TaskPage taskRef={route.ref} />;
  return <TaskList />;
}

const GROUPS: readonly [TaskGroup, MessageKey][] = [
  ['overdue', 'tasks.overdue'],
  ['today', 'tasks.today'],
  ['upcoming', 'tasks.upcoming'],
  ['someday', 'tasks.someday'],
  ['completed', 'tasks.completed'],
];

function dueSort({ data: a }: ItemOf<'Tasks'>, { data: b }: ItemOf<'Tasks'>): number {
  const da = taskDay(a.dueDate, a.utcDueDate) || '~';
  const dbb = taskDay(b.dueDate, b.utcDueDate) || '~';
  return da < dbb ? -1 : da > dbb ? 1 : (a.subject ?? '').localeCompare(b.subject ?? '');
}

/** MS-ASCMD 2.2.3.186.3 Type 7: the default Tasks folder; 15 a user-created one. */
const DEFAULT_TASKS = 7;
const SCREEN = 'tasks';

/** The synced task folders as a tree: the default one, its subfolders (Errands), shared ones. */
function useTaskFolders(): TreeRow[] {
  const folders = useLive(listAllFolders, [], ['folders']).value ?? [];
  return folderTree(
    folders.filter((f) => f.enabled),
    'Tasks',
  );
}

/** A task's list, named on its row when it is not the default one (in the "all lists" view). */
function listName(rows: readonly TreeRow[], i: ItemRecord, i18n: I18n): string | undefined {
  const f = rows.find((r) => r.folder.accountId === i.accountId && r.folder.serverId === i.folderId)?.folder;
  return f && f.type !== DEFAULT_TASKS ? folderName(f, i18n) : undefined;
}

function TaskList() {
  const { client } = useApp();
  const i18n = useI18n();
  const { t, date } = i18n;
  const tasks = useLive(loadTasks, [], ['items', 'folders']);
  const rows = useTaskFolders();
  const [folder, setFolder] = useState(loadFolderChoice(SCREEN));
  const shownFolder = rows.some((r) => folderKey(r.folder) === folder) ? folder : '';
  const today = localDayKey(new Date());
  const list = (tasks.value ?? [])
    .filter(ofClass('Tasks'))
    .filter((i) => !shownFolder || folderKey({ accountId: i.accountId, serverId: i.folderId }) === shownFolder)
    .sort(dueSort);
  const pick = (key: string) => {
    setFolder(key);
    saveFolderChoice(SCREEN, key);
  };
  const toggle = (i: ItemOf<'Tasks'>) => () => {
    const task = i.data;
    void client.updateItem(refOf(i), task, withCompletion(task, !task.complete));
  };
  return (
    <div class="screen-col">
      <header class="bar">
        <h1 tabIndex={-1}>{t('nav.tasks')}</h1>
        <SyncButton />
        <a class="icon-btn" href={href.newTask()} aria-label={t('tasks.new')} title={t('tasks.new')}>
          <Icon name="plus" />
        </a>
      </header>
      {rows.length > 1 && (
        <div class="folder-filter">
          <FolderSelect
            label={t('tasks.list')}
            rows={rows}
            value={shownFolder}
            onChange={pick}
            name={(f) => folderName(f, i18n)}
            all={t('tasks.allLists')}
          />
        </div>
      )}
      <div class="screen-body">
        {!tasks.loading && list.length === 0 && <p class="empty">{t('tasks.empty')}</p>}
        {GROUPS.map(([group, label]) => {
          const items = list.filter((i) => groupOf(i.data, today) === group);
          if (items.length === 0) return null;
          return (
            <section key={group} aria-labelledby={`group-${group}`}>
              <h2 class="section-title" id={`group-${group}`}>
                {t(label)}
              </h2>
              <ul class="plain-list">
                {items.map((i) => {
                  const task = i.data;
                  const subject = task.subject || t('common.noSubject');
                  const due = taskDay(task.dueDate, task.utcDueDate);
                  const inList = shownFolder ? undefined : listName(rows, i, i18n);
                  return (
                    <li key={i.id} class="task-row">
                      <label class="task-check">
                        <input
                          type="checkbox"
                          checked={task.complete ?? false}
                          onChange={toggle(i)}
                          aria-label={task.complete ? t('tasks.reopen', { subject }) : t('tasks.complete', { subject })}
                        />
                      </label>
                      <a href={href.tasks(refOf(i))}>
                        <span class={task.complete ? 'done' : ''}>{subject}</span>
                        {task.importance === 2 && <span class="badge warn"> {t('tasks.high')}</span>}
                        {inList && <span class="badge"> {inList}</span>}
                        {due && (
                          <span class={'sub' + (group === 'overdue' ? ' overdue' : '')}>
                            <br />
                            {t('tasks.dueOn', { date: date(new Date(`${due}T00:00`)) })}
                            {task.reminderSet && <Icon name="bell" size={14} label={t('tasks.reminder')} />}
                          </span>
                        )}
                      </a>
                    </li>
                  );
                })}
              </ul>
            </section>
          );
        })}
      </div>
    </div>
  );
}

function TaskPage({ taskRef }: { taskRef: ItemRef }) {
  const item = useLive((db) => getItem(db, taskRef), [taskRef.accountId, taskRef.itemId], ['items']);
  if (item.value?.class !== 'Tasks') return item.loading ? null : <p class="empty">—</p>;
  return <TaskEditor key={taskRef.itemId} taskRef={taskRef} previous={item.value.data} />;
}

function TaskEditor({ taskRef, previous }: { taskRef?: ItemRef; previous?: Task }) {
  const { client } = useApp();
  const i18n = useI18n();
  const { t } = i18n;
  const rows = useTaskFolders();
  const [chosen, setChosen] = useState(loadFolderChoice(SCREEN));
  const target = targetFolder(rows, chosen, DEFAULT_TASKS);
  const [form, setForm] = useState<TaskForm>(() => formFromTask(previous));
  const [dirty, setDirty] = useState<ReadonlySet<TaskField>>(new Set());
  const set = (key: TaskField, value: string) => {
    setForm({ ...form, [key]: value });
    setDirty(new Set([...dirty, key]));
  };
  const save = async (e: Event) => {
    e.preventDefault();
    const next = applyTaskEdits(previous, form, dirty);
    if (previous && taskRef) await client.updateItem(taskRef, previous, next);
    else {
      if (!target) return;
      await client.createItem(target.accountId, target.serverId, next);
    }
    navigate(href.tasks());
  };
  const remove = async () => {
    if (!taskRef || !confirm(t('common.confirmDelete'))) return;
    await client.deleteItems([taskRef]);
    navigate(href.tasks());
  };
  return (
    <form class="screen-col" onSubmit={save} aria-labelledby="task-title">
      <header class="bar">
        <a class="icon-btn" href={href.tasks()} aria-label={t('common.cancel')}>
          <Icon name="close" />
        </a>
        <h1 id="task-title" tabIndex={-1}>
          {previous ? t('tasks.edit') : t('tasks.new')}
        </h1>
        {taskRef && (
          <button type="button" class="icon-btn" onClick={() => void remove()} aria-label={t('common.delete')}>
            <Icon name="trash" />
          </button>
        )}
        <button type="submit" class="btn primary">
          {t('common.save')}
        </button>
      </header>
      <div class="screen-body padded">
        <div class="form narrow">
          <Field label={t('tasks.subject')}>
            <input type="text" required value={form.subject} onInput={(e) => set('subject', e.currentTarget.value)} />
          </Field>
          {!previous && rows.length > 1 && (
            <FolderSelect
              label={t('tasks.list')}
              rows={rows}
              value={target ? folderKey(target) : ''}
              onChange={setChosen}
              name={(f) => folderName(f, i18n)}
            />
          )}
          <div class="row2">
            <Field label={t('tasks.start')}>
              <input type="date" value={form.start} onInput={(e) => set('start', e.currentTarget.value)} />
            </Field>
            <Field label={t('tasks.due')}>
              <input type="date" value={form.due} onInput={(e) => set('due', e.currentTarget.value)} />
            </Field>
          </div>
          <Field label={t('tasks.importance')}>
            <select value={form.importance} onChange={(e) => set('importance', e.currentTarget.value)}>
              <option value="0">{t('tasks.low')}</option>
              <option value="1">{t('tasks.normal')}</option>
              <option value="2">{t('tasks.high')}</option>
            </select>
          </Field>
          <Field label={t('tasks.reminder')}>
            <input type="datetime-local" value={form.reminder} onInput={(e) => set('reminder', e.currentTarget.value)} />
          </Field>
          <Field label={t('tasks.notes')}>
            <textarea rows={5} value={form.notes} onInput={(e) => set('notes', e.currentTarget.value)} />
          </Field>
        </div>
      </div>
    </form>
  );
}
