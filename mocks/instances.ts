/**
 * Occurrences of recurring calendar items in protocol 16.x: a client changes or
 * deletes one occurrence with airsyncbase:InstanceId next to the ServerId
 * (MS-ASAIRS 2.2.2.25), never by sending Exceptions (MS-ASCAL 2.2.2.22). Stored
 * exceptions keep ExceptionStartTime; render.ts shows it as InstanceId from 16.0.
 */
import { el, kid, kids, textOf, type El } from '../src/wbxml/tree.ts';
import type { Pim } from './model.ts';

/** Elements a Calendar Exception may carry (Calendar.xsd Exception). */
const EXCEPTION_PROPS = new Set([
  'Subject',
  'StartTime',
  'EndTime',
  'Body',
  'Location',
  'Categories',
  'Sensitivity',
  'BusyStatus',
  'AllDayEvent',
  'Reminder',
  'DtStamp',
  'MeetingStatus',
  'Attendees',
  'AppointmentReplyTime',
  'ResponseType',
]);

function exceptions(pim: Pim): El[] {
  const list = pim.props.find((p) => p.ns === 'Calendar' && p.name === 'Exceptions');
  return list ? kids(list) : [];
}

function setExceptions(pim: Pim, list: El[]): void {
  const rest = pim.props.filter((p) => !(p.ns === 'Calendar' && p.name === 'Exceptions'));
  pim.props = list.length > 0 ? [...rest, el('Calendar', 'Exceptions', list)] : rest;
}

function startOf(x: El): string {
  return textOf(kid(x, 'ExceptionStartTime') ?? kid(x, 'InstanceId'));
}

/** Sets `children` on the exception of occurrence `instanceId` (made if missing), keeping its other properties. */
function mergeException(pim: Pim, instanceId: string, children: El[]): void {
  const list = exceptions(pim);
  const old = list.find((x) => startOf(x) === instanceId);
  const names = new Set(children.map((c) => c.name));
  const kept = old ? kids(old).filter((c) => c.name !== 'ExceptionStartTime' && c.name !== 'InstanceId' && !names.has(c.name)) : [];
  const next = el('Calendar', 'Exception', el('Calendar', 'ExceptionStartTime', instanceId), kept, children);
  setExceptions(pim, [...list.filter((x) => x !== old), next]);
}

/** A Change with InstanceId: that occurrence gets the sent properties. */
export function changeInstance(pim: Pim, instanceId: string, app: El): void {
  mergeException(
    pim,
    instanceId,
    kids(app).filter((c) => EXCEPTION_PROPS.has(c.name)),
  );
}

/** A Delete with InstanceId: that occurrence is cancelled; the series stays. */
export function deleteInstance(pim: Pim, instanceId: string): void {
  mergeException(pim, instanceId, [el('Calendar', 'Deleted', '1')]);
}

/** A MeetingResponse for one occurrence (MS-ASCMD 2.2.3.92.1): its ResponseType; a decline removes it. */
export function respondInstance(pim: Pim, instanceId: string, userResponse: number): void {
  if (userResponse === 3) return deleteInstance(pim, instanceId);
  mergeException(pim, instanceId, [
    el('Calendar', 'BusyStatus', userResponse === 1 ? 2 : 1),
    el('Calendar', 'ResponseType', userResponse === 1 ? 3 : 2),
  ]);
}

const SERIES_SHAPE = ['Recurrence', 'StartTime', 'EndTime'];

function shape(props: readonly El[]): string {
  return SERIES_SHAPE.map((n) => JSON.stringify(props.find((p) => p.ns === 'Calendar' && p.name === n) ?? null)).join('|');
}

/**
 * 16.x: a Change of the series keeps its exceptions unless the pattern or the
 * start/end times changed, which deletes them (MS-ASCAL 2.2.2.22).
 */
export function keepExceptions(before: readonly El[], pim: Pim): void {
  const old = before.find((p) => p.ns === 'Calendar' && p.name === 'Exceptions');
  if (!old || shape(before) !== shape(pim.props)) return setExceptions(pim, []);
  setExceptions(pim, kids(old));
}
