/**
 * Task dates (MS-ASTASK 2.2.2.12/2.2.2.31): DueDate is the user's local wall clock
 * written as if it were UTC, UtcDueDate the real instant; the same for StartDate.
 * The form works in local days; edits change only the touched fields.
 */
import type { Task, TaskImportance } from '../../eas/items/task.ts';

export interface TaskForm {
  readonly subject: string;
  /** 'YYYY-MM-DD' or ''. */
  readonly due: string;
  readonly start: string;
  readonly importance: string;
  /** 'YYYY-MM-DDTHH:MM' or '' (no reminder). */
  readonly reminder: string;
  readonly notes: string;
}

export type TaskField = keyof TaskForm;

const pad = (n: number) => String(n).padStart(2, '0');

/** The local day of a task date: from the wall-clock form, else from the instant. */
export function taskDay(local: Date | undefined, utc: Date | undefined): string {
  if (local) return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  if (utc) return `${utc.getFullYear()}-${pad(utc.getMonth() + 1)}-${pad(utc.getDate())}`;
  return '';
}

function dayDates(day: string): { local: Date; utc: Date } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  return { local: new Date(Date.UTC(y, mo, d)), utc: new Date(y, mo, d) };
}

const localInput = (d: Date) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

export function formFromTask(task: Task | undefined): TaskForm {
  return {
    subject: task?.subject ?? '',
    due: taskDay(task?.dueDate, task?.utcDueDate),
    start: taskDay(task?.startDate, task?.utcStartDate),
    importance: String(task?.importance ?? 1),
    reminder: task?.reminderSet && task.reminderTime ? localInput(task.reminderTime) : '',
    notes: task?.body?.data ?? '',
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function setDay(next: Mutable<Task>, day: string, local: 'dueDate' | 'startDate', utc: 'utcDueDate' | 'utcStartDate'): void {
  const d = dayDates(day);
  if (d) {
    next[local] = d.local;
    next[utc] = d.utc;
  } else {
    delete next[local];
    delete next[utc];
  }
}

export function applyTaskEdits(previous: Task | undefined, form: TaskForm, dirty: ReadonlySet<TaskField>): Task {
  const next: Mutable<Task> = previous ? { ...previous } : { complete: false };
  const touched = (k: TaskField) => !previous || dirty.has(k);
  if (touched('subject')) next.subject = form.subject;
  if (touched('due')) setDay(next, form.due, 'dueDate', 'utcDueDate');
  if (touched('start')) setDay(next, form.start, 'startDate', 'utcStartDate');
  if (touched('importance')) next.importance = Number(form.importance) as TaskImportance;
  if (touched('reminder')) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(form.reminder);
    next.reminderSet = m !== null;
    if (m) next.reminderTime = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
    else delete next.reminderTime;
  }
  if (touched('notes') && (form.notes || previous?.body)) next.body = { type: 1, data: form.notes };
  return next;
}

/** Completing sets DateCompleted, which MS-ASTASK 2.2.2.8 requires with Complete=1. */
export function withCompletion(task: Task, complete: boolean, now = new Date()): Task {
  const next: Mutable<Task> = { ...task, complete };
  if (complete) next.dateCompleted = now;
  else delete next.dateCompleted;
  return next;
}

export type TaskGroup = 'overdue' | 'today' | 'upcoming' | 'someday' | 'completed';

export function groupOf(task: Task, today: string): TaskGroup {
  if (task.complete) return 'completed';
  const due = taskDay(task.dueDate, task.utcDueDate);
  if (!due) return 'someday';
  return due < today ? 'overdue' : due === today ? 'today' : 'upcoming';
}
