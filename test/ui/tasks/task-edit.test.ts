import { describe, expect, it } from 'vitest';
import type { Task } from '../../../src/eas/items/task.ts';
import { applyTaskEdits, formFromTask, groupOf, withCompletion } from '../../../src/ui/tasks/task-edit.ts';

describe('task edits', () => {
  it('writes DueDate as the local day in UTC fields and UtcDueDate as the local midnight', () => {
    const t = applyTaskEdits(undefined, { ...formFromTask(undefined), subject: 'Pay', due: '2025-03-10' }, new Set());
    expect(t.dueDate?.toISOString()).toBe('2025-03-10T00:00:00.000Z');
    expect(t.utcDueDate?.getTime()).toBe(new Date(2025, 2, 10).getTime());
    expect(t.complete).toBe(false);
  });

  it('changes only touched fields of an existing task', () => {
    const prev: Task = { subject: 'Old', complete: false, importance: 2, categories: ['x'], dueDate: new Date('2025-03-10T00:00:00Z') };
    const next = applyTaskEdits(prev, { ...formFromTask(prev), subject: 'New', due: '' }, new Set(['subject']));
    expect(next).toEqual({ ...prev, subject: 'New' });
  });

  it('sets and clears DateCompleted with Complete (MS-ASTASK 2.2.2.8)', () => {
    const at = new Date('2025-03-01T10:00:00Z');
    const done = withCompletion({ subject: 'x', complete: false }, true, at);
    expect(done).toEqual({ subject: 'x', complete: true, dateCompleted: at });
    expect(withCompletion(done, false)).toEqual({ subject: 'x', complete: false });
  });

  it('groups by the local due day', () => {
    expect(groupOf({ complete: false, dueDate: new Date('2025-03-09T00:00:00Z') }, '2025-03-10')).toBe('overdue');
    expect(groupOf({ complete: false, dueDate: new Date('2025-03-10T00:00:00Z') }, '2025-03-10')).toBe('today');
    expect(groupOf({ complete: false }, '2025-03-10')).toBe('someday');
    expect(groupOf({ complete: true }, '2025-03-10')).toBe('completed');
  });
});
