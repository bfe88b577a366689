/**
 * Task class items (MS-ASTASK): the Tasks namespace plus an AirSyncBase body
 * (tasks:Body in 2.5). The Recurrence element is shared with Calendar and lives
 * in recurrence.ts.
 *
 * StartDate and DueDate are the user's local wall-clock times written as if they
 * were UTC; UtcStartDate and UtcDueDate are the real instants (MS-ASTASK 2.2.2.26,
 * 2.2.2.12, 2.2.2.32, 2.2.2.31). Read the local ones with getUTC*().
 */
import { el, kid, type El } from '../../wbxml/tree.ts';
import type { EasContext } from '../command.ts';
import { atLeast } from '../version.ts';
import {
  categoriesElement,
  decodeBody,
  decodeNativeBodyType,
  encodeBody,
  readBool,
  readCategories,
  readDate,
  readInt,
  readText,
  type Body,
  type BodyType,
} from './airsyncbase.ts';
import { formatEasDateTime } from './dates.ts';
import { decodeRecurrence, encodeRecurrence, type Recurrence } from './recurrence.ts';

const TK = 'Tasks';

/** MS-ASTASK 2.2.2.14 Importance: 0 low, 1 normal, 2 high. */
export type TaskImportance = 0 | 1 | 2;
/** MS-ASTASK 2.2.2.24 Sensitivity: 0 normal, 1 personal, 2 private, 3 confidential. */
export type Sensitivity = 0 | 1 | 2 | 3;

export interface Task {
  readonly subject?: string;
  readonly body?: Body;
  readonly nativeBodyType?: BodyType;
  readonly categories?: readonly string[];
  /** MS-ASTASK 2.2.2.7: required on the wire; absent here means the server sent none. */
  readonly complete?: boolean;
  /** Required when complete is true (MS-ASTASK 2.2.2.8). */
  readonly dateCompleted?: Date;
  readonly startDate?: Date;
  readonly utcStartDate?: Date;
  readonly dueDate?: Date;
  readonly utcDueDate?: Date;
  readonly importance?: TaskImportance;
  readonly recurrence?: Recurrence;
  readonly reminderSet?: boolean;
  readonly reminderTime?: Date;
  readonly sensitivity?: Sensitivity;
  /** Sort keys Outlook uses for flagged items (MS-ASTASK 2.2.2.19, 2.2.2.28). */
  readonly ordinalDate?: Date;
  readonly subOrdinalDate?: string;
}

function readChoice<T extends number>(e: El, name: string, max: T): T | undefined {
  const n = readInt(e, TK, name);
  return n !== undefined && n >= 0 && n <= max ? (n as T) : undefined;
}

/** Decodes a task from Sync ApplicationData, ItemOperations or Search Properties. */
export function decodeTask(container: El, ctx: EasContext): Task {
  const recurrence = kid(container, 'Recurrence', TK);
  return {
    subject: readText(container, TK, 'Subject'),
    body: decodeBody(container, atLeast(ctx.version, '12.0') ? undefined : TK),
    nativeBodyType: decodeNativeBodyType(container),
    categories: readCategories(container, TK),
    complete: readBool(container, TK, 'Complete'),
    dateCompleted: readDate(container, TK, 'DateCompleted'),
    startDate: readDate(container, TK, 'StartDate'),
    utcStartDate: readDate(container, TK, 'UtcStartDate'),
    dueDate: readDate(container, TK, 'DueDate'),
    utcDueDate: readDate(container, TK, 'UtcDueDate'),
    importance: readChoice<TaskImportance>(container, 'Importance', 2),
    recurrence: recurrence ? decodeRecurrence(recurrence) : undefined,
    reminderSet: readBool(container, TK, 'ReminderSet'),
    reminderTime: readDate(container, TK, 'ReminderTime'),
    sensitivity: readChoice<Sensitivity>(container, 'Sensitivity', 3),
    ordinalDate: readDate(container, TK, 'OrdinalDate'),
    subOrdinalDate: readText(container, TK, 'SubOrdinalDate'),
  };
}

const text = (name: string, v: string | number | undefined): El | undefined => (v !== undefined ? el(TK, name, String(v)) : undefined);
const date = (name: string, d: Date | undefined): El | undefined => d && el(TK, name, formatEasDateTime(d));
const bool = (name: string, b: boolean | undefined): El | undefined => (b !== undefined ? el(TK, name, b ? '1' : '0') : undefined);

/**
 * ApplicationData for a Sync Add or Change of a task. Tasks cannot be ghosted (only
 * Contacts and Calendar can, MS-ASCMD 2.2.3.179), so a Change replaces the item and
 * must carry the whole record. Complete is always written (MS-ASTASK 2.2.2.7);
 * a completed task needs dateCompleted (MS-ASTASK 2.2.2.8), else this throws.
 * A recurrence without its own start (required, MS-ASTASK 2.2.2.25) starts at startDate.
 */
export function encodeTask(task: Task, ctx: EasContext): El {
  const complete = task.complete ?? false;
  if (complete && !task.dateCompleted) throw new Error('a completed task needs dateCompleted (MS-ASTASK 2.2.2.8)');
  return el(
    'AirSync',
    'ApplicationData',
    task.body && encodeBody(task.body, TK, ctx),
    text('Subject', task.subject),
    text('Importance', task.importance),
    date('UtcStartDate', task.utcStartDate),
    date('StartDate', task.startDate),
    date('UtcDueDate', task.utcDueDate),
    date('DueDate', task.dueDate),
    task.categories && categoriesElement(TK, task.categories),
    task.recurrence && encodeRecurrence({ ...task.recurrence, start: task.recurrence.start ?? task.startDate }, TK, ctx),
    bool('Complete', complete),
    complete && date('DateCompleted', task.dateCompleted),
    text('Sensitivity', task.sensitivity),
    date('ReminderTime', task.reminderTime),
    bool('ReminderSet', task.reminderSet),
    date('OrdinalDate', task.ordinalDate),
    text('SubOrdinalDate', task.subOrdinalDate),
  );
}
