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
  'Subject', 'StartTime', 'EndTime', 'Body', 'Location', 'Categories', 'Sensitivity', 'BusyStatus', 'AllDayEvent',
  'Reminder', 'DtStamp', 'MeetingStatus', 'Attendees', 'AppointmentReplyTime', 'ResponseType',
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

/** Replaces the exception of occurrence `instanceId` with one made of `children`. */
function putException(pim: Pim, instanceId: string, children: El[]): void {
  const others = exceptions(pim).filter((x) => startOf(x) !== instanceId);
  setExceptions(pim, [...others, el('Calendar', 'Exception', el('Calendar', 'ExceptionStartTime', instanceId), children)]);
}

/** A Change with InstanceId: that occurrence gets the sent properties. */
export function changeInstance(pim: Pim, instanceId: string, app: El): void {
  putException(pim, instanceId, kids(app).filter((c) => EXCEPTION_PROPS.has(c.name)));
}

/** A Delete with InstanceId: that occurrence is cancelled; the series stays. */
export function deleteInstance(pim: Pim, instanceId: string): void {
  putException(pim, instanceId, [el('Calendar', 'Deleted', '1')]);
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
