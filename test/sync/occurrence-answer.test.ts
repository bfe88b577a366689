/**
 * Answering one occurrence of a recurring meeting (MeetingResponse InstanceId, MS-ASCMD
 * 2.2.3.92.1, 14.1+): only that occurrence takes the answer, on the device at once and on the
 * server; the series and its other occurrences keep theirs. It used to answer the whole series.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { setProp } from '../../mocks/meetings.ts';
import { FolderType, requireFolderOfType, touchItem, type Item } from '../../mocks/model.ts';
import type { CalendarItem } from '../../src/eas/items/calendar.ts';
import { assertSame, contentOracle } from '../support/oracle.ts';
import { alice, engineFor, journaledStore, mockServer, pinVersion } from './support.ts';

async function invitedToSeries(version: string) {
  const server = mockServer({ data: { mails: 4, contacts: 2, events: 6, tasks: 2, notes: 0, gal: 0 } });
  const calendar = requireFolderOfType(server.mock.world.mailboxes.get('alice')!, FolderType.Calendar).store;
  const series = [...calendar.items.values()].find(
    (i) => i.data.kind === 'pim' && i.data.props.some((p) => p.name === 'Recurrence'),
  ) as Item;
  if (series.data.kind !== 'pim') throw new Error('no series');
  // The series becomes a meeting bob organizes and alice received (MS-ASCAL 2.2.2.29 MeetingStatus 3).
  setProp(series.data, 'OrganizerName', 'Bob');
  setProp(series.data, 'OrganizerEmail', 'bob@example.test');
  setProp(series.data, 'MeetingStatus', 3);
  setProp(series.data, 'ResponseType', 5);
  touchItem(server.mock.world, calendar, series);
  const transport = pinVersion(server.handle, version);
  const { store } = await journaledStore();
  const { engine } = engineFor(store, transport);
  const account = await engine.addAccount(alice);
  expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
  const record = await store.db.get('items', [account.id, calendar.id, series.id]);
  if (record?.class !== 'Calendar') throw new Error('the series is not in the store');
  const event = async (): Promise<CalendarItem> => {
    const r = await store.db.get('items', [account.id, calendar.id, series.id]);
    return r?.data as CalendarItem;
  };
  return { store, engine, transport, accountId: account.id, itemId: record.id, first: record.data.startTime, event };
}

/** The n-th weekly occurrence's original start after the series' first. */
const weekAfter = (first: Date, n: number): Date => new Date(first.getTime() + n * 7 * 86_400_000);

const exceptionAt = (e: CalendarItem, at: Date) => e.exceptions?.find((x) => x.exceptionStartTime.getTime() === at.getTime());

describe.each(['14.1', '16.1'])('one occurrence of a series answered (%s)', (version) => {
  it('accepts the occurrence only: the series stays unanswered, on the device and on the server', async () => {
    const d = await invitedToSeries(version);
    const occurrence = weekAfter(d.first, 3);
    await d.engine.respondToMeeting(d.accountId, d.itemId, 'accept', occurrence);
    const local = await d.event();
    expect(local.responseType).toBe(5);
    expect(exceptionAt(local, occurrence)).toMatchObject({ responseType: 3, busyStatus: 2 });
    expect(await d.engine.syncAccount(d.accountId)).toMatchObject({ ok: true });
    expect(await d.store.db.getAll('pending')).toEqual([]);
    const synced = await d.event();
    expect(synced.responseType).toBe(5);
    expect(exceptionAt(synced, occurrence)).toMatchObject({ responseType: 3, busyStatus: 2 });
    expect(exceptionAt(synced, weekAfter(d.first, 4))).toBeUndefined();
    assertSame(await contentOracle(d.store, d.accountId, d.transport, alice));
  });

  it('declines the occurrence only: it leaves the calendar, the series stays', async () => {
    const d = await invitedToSeries(version);
    const occurrence = weekAfter(d.first, 4);
    await d.engine.respondToMeeting(d.accountId, d.itemId, 'decline', occurrence);
    expect(exceptionAt(await d.event(), occurrence)).toMatchObject({ deleted: true });
    expect(await d.engine.syncAccount(d.accountId)).toMatchObject({ ok: true });
    const synced = await d.event();
    expect(synced.subject).toBeTruthy();
    expect(exceptionAt(synced, occurrence)).toMatchObject({ deleted: true });
    assertSame(await contentOracle(d.store, d.accountId, d.transport, alice));
  });
});

describe('one occurrence answered below 14.1', () => {
  it('is refused before anything is queued (MS-ASCMD 2.2.3.92.1: no InstanceId at 14.0)', async () => {
    const d = await invitedToSeries('14.0');
    const before = await d.event();
    await expect(d.engine.respondToMeeting(d.accountId, d.itemId, 'accept', weekAfter(d.first, 2))).rejects.toThrow(/14\.1/);
    expect(await d.store.db.getAll('pending')).toEqual([]);
    expect(await d.event()).toEqual(before);
  });
});
