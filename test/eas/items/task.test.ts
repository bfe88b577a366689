import { describe, expect, it } from 'vitest';
import type { EasContext } from '../../../src/eas/command.ts';
import { decodeTask, encodeTask, type Task } from '../../../src/eas/items/task.ts';
import { decodeEas, easFromXml, easToXml, encodeEas } from '../../../src/eas/wbxml.ts';
import type { El } from '../../../src/wbxml/tree.ts';

const v141: EasContext = { version: '14.1' };
const oneLine = (e: El): string => easToXml(e, { declaration: false, indent: '' });
const viaWbxml = (e: El): El => decodeEas(encodeEas(e));

/** A weekly task, every second Monday and Wednesday, regenerating, from a 14.1 server. */
const RECURRING_XML = `<ApplicationData xmlns="AirSync" xmlns:t="Tasks" xmlns:b="AirSyncBase">
  <b:Body><b:Type>1</b:Type><b:EstimatedDataSize>12</b:EstimatedDataSize><b:Data>Bring the key</b:Data></b:Body>
  <t:Subject>Water the plants</t:Subject>
  <t:Importance>2</t:Importance>
  <t:UtcStartDate>2026-11-23T08:00:00.000Z</t:UtcStartDate>
  <t:StartDate>2026-11-23T09:00:00.000Z</t:StartDate>
  <t:UtcDueDate>2026-11-23T16:00:00.000Z</t:UtcDueDate>
  <t:DueDate>2026-11-23T17:00:00.000Z</t:DueDate>
  <t:Categories><t:Category>Home</t:Category></t:Categories>
  <t:Recurrence>
    <t:Type>1</t:Type>
    <t:Start>2026-11-23T09:00:00.000Z</t:Start>
    <t:Until>2027-06-30T00:00:00.000Z</t:Until>
    <t:Interval>2</t:Interval>
    <t:DayOfWeek>10</t:DayOfWeek>
    <t:Regenerate>1</t:Regenerate>
    <t:DeadOccur>0</t:DeadOccur>
    <t:FirstDayOfWeek>1</t:FirstDayOfWeek>
  </t:Recurrence>
  <t:Complete>0</t:Complete>
  <t:Sensitivity>1</t:Sensitivity>
  <t:ReminderTime>2026-11-23T07:45:00.000Z</t:ReminderTime>
  <t:ReminderSet>1</t:ReminderSet>
  <b:NativeBodyType>1</b:NativeBodyType>
</ApplicationData>`;

const RECURRING: Task = {
  subject: 'Water the plants',
  body: { type: 1, estimatedDataSize: 12, data: 'Bring the key' },
  nativeBodyType: 1,
  importance: 2,
  utcStartDate: new Date('2026-11-23T08:00:00.000Z'),
  startDate: new Date('2026-11-23T09:00:00.000Z'),
  utcDueDate: new Date('2026-11-23T16:00:00.000Z'),
  dueDate: new Date('2026-11-23T17:00:00.000Z'),
  categories: ['Home'],
  recurrence: {
    type: 1,
    start: new Date('2026-11-23T09:00:00.000Z'),
    until: new Date('2027-06-30T00:00:00.000Z'),
    interval: 2,
    dayOfWeek: 10,
    regenerate: true,
    deadOccur: false,
    firstDayOfWeek: 1,
  },
  complete: false,
  sensitivity: 1,
  reminderTime: new Date('2026-11-23T07:45:00.000Z'),
  reminderSet: true,
};

describe('decodeTask', () => {
  it('reads a recurring task with every field', () => {
    expect(decodeTask(easFromXml(RECURRING_XML), v141)).toEqual(RECURRING);
  });

  it('reads a completed task and the ordinal sort keys', () => {
    const t = decodeTask(
      easFromXml(`<ApplicationData xmlns="AirSync" xmlns:t="Tasks"><t:Subject>Done</t:Subject><t:Complete>1</t:Complete>
        <t:DateCompleted>2026-11-20T12:00:00.000Z</t:DateCompleted><t:OrdinalDate>2026-11-19T00:00:00.000Z</t:OrdinalDate>
        <t:SubOrdinalDate>5555555</t:SubOrdinalDate><t:Importance>7</t:Importance></ApplicationData>`),
      v141,
    );
    expect(t).toEqual({
      subject: 'Done',
      complete: true,
      dateCompleted: new Date('2026-11-20T12:00:00.000Z'),
      ordinalDate: new Date('2026-11-19T00:00:00.000Z'),
      subOrdinalDate: '5555555',
    }); // Importance 7 is not a defined value and is dropped
  });

  it('reads the 2.5 tasks:Body form', () => {
    const t = decodeTask(
      easFromXml(
        '<ApplicationData xmlns="AirSync" xmlns:t="Tasks"><t:Body>old</t:Body><t:BodyTruncated>1</t:BodyTruncated></ApplicationData>',
      ),
      { version: '2.5' },
    );
    expect(t.body).toEqual({ type: 1, data: 'old', truncated: true });
  });
});

describe('encodeTask', () => {
  it('round-trips a recurring task through WBXML', () => {
    const { nativeBodyType: _n, ...writable } = RECURRING;
    const back = decodeTask(viaWbxml(encodeTask(RECURRING, v141)), v141);
    expect(back).toEqual({ ...writable, body: { type: 1, data: 'Bring the key' } });
  });

  it('always writes Complete, and DateCompleted only for a completed task', () => {
    expect(oneLine(encodeTask({ subject: 'x', dateCompleted: new Date(0) }, v141))).toBe(
      '<ApplicationData xmlns="AirSync"><Subject xmlns="Tasks">x</Subject><Complete xmlns="Tasks">0</Complete></ApplicationData>',
    );
    const done = oneLine(encodeTask({ complete: true, dateCompleted: new Date('2026-11-20T12:00:00.000Z') }, v141));
    expect(done).toContain('<Complete xmlns="Tasks">1</Complete><DateCompleted xmlns="Tasks">2026-11-20T12:00:00.000Z</DateCompleted>');
  });

  it('refuses a completed task without a completion date', () => {
    expect(() => encodeTask({ complete: true }, v141)).toThrow(/dateCompleted/);
  });

  it("starts a recurrence without its own start at the task's start date", () => {
    const start = new Date('2026-11-23T09:00:00.000Z');
    const back = decodeTask(viaWbxml(encodeTask({ startDate: start, recurrence: { type: 0, interval: 1 } }, v141)), v141);
    expect(back.recurrence).toEqual({ type: 0, interval: 1, start });
  });

  it('writes the body as tasks:Body in 2.5', () => {
    expect(oneLine(encodeTask({ body: { type: 1, data: 'b' } }, { version: '2.5' }))).toBe(
      '<ApplicationData xmlns="AirSync"><Body xmlns="Tasks">b</Body><Complete xmlns="Tasks">0</Complete></ApplicationData>',
    );
  });
});
