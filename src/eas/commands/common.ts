/**
 * Parse helpers shared by every command module, and the status-text lookup that
 * falls back to the common status codes (MS-ASCMD 2.2.2), which any command may return.
 */
import type { El } from '../../wbxml/tree.ts';
import { intAt, textAt } from '../../wbxml/tree.ts';
import { EasProtocolError, type EasCommandName } from '../command.ts';
import { describeStatus, isCommonStatus } from '../status.ts';

/** Checks the response root element; throws when the body is empty or another command. */
export function requireRoot(root: El | null, name: string, cmd: EasCommandName): El {
  if (!root) throw new EasProtocolError('empty response body', cmd);
  if (root.name !== name) throw new EasProtocolError(`expected <${name}>, got <${root.name}>`, cmd);
  return root;
}

/** The integer Status child, which most responses require. */
export function requireStatus(e: El, cmd: EasCommandName): number {
  const status = intAt(e, 'Status');
  if (status === undefined) missing(cmd, `${e.name}/Status`);
  return status;
}

export function requireText(e: El, name: string, cmd: EasCommandName): string {
  const t = textAt(e, name);
  if (t === undefined) missing(cmd, `${e.name}/${name}`);
  return t;
}

export function missing(cmd: EasCommandName, what: string): never {
  throw new EasProtocolError(`missing required element ${what}`, cmd);
}

/** A command's own text for `code`, else the common status text, else "Unknown <label> status N". */
export function statusText(table: Readonly<Record<number, string>>, code: number, label: string): string {
  return table[code] ?? (isCommonStatus(code) ? describeStatus(code) : `Unknown ${label} status ${code}`);
}
