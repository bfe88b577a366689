/**
 * GetAttachment (MS-ASCMD 2.2.1.7, protocol 12.x-14.1): the attachment named by
 * the AttachmentName parameter (our FileReference), as raw bytes.
 */
import { atLeast } from '../../src/eas/version.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { attachmentByRef, findItem } from '../model.ts';

export function getAttachment(ctx: CommandContext): CommandResult {
  // Replaced by ItemOperations Fetch from 14.0 on (MS-ASCMD 2.2.1.7).
  if (atLeast(ctx.version, '14.0')) return { http: 501 };
  const ref = ctx.params['AttachmentName'] ?? '';
  const found = findItem(ctx.mock.world, ref.slice(0, ref.lastIndexOf(':')));
  const visible = found && [...ctx.mailbox.folders.values()].some((f) => f.store === found.store);
  const att = visible && found.item.data.kind === 'mail' ? attachmentByRef(found.item.data, found.item.id, ref) : undefined;
  if (!att) return { http: 500 }; // Exchange answers a bad attachment name with HTTP 500
  return { bytes: att.bytes, contentType: att.contentType };
}
