/**
 * Find (MS-ASCMD 2.2.1.2, protocol 16.1): mailbox or GAL search with a small,
 * fixed set of result properties.
 */
import { atLeast } from '../../src/eas/version.ts';
import { el, kid, ns, textAt, textOf, type El } from '../../src/wbxml/tree.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { formatAddress } from '../mime.ts';
import { mailContent, type Item, type Mail } from '../model.ts';
import { isoDate } from '../wire.ts';
import { galHits, galProperties, mailboxHits } from './search.ts';

const FD = ns('Find');
const A = ns('AirSync');
const E = ns('Email');

/** Status 1 success, 2 invalid request, 3 FolderSync needed, 4 range not from 0 (MS-ASCMD 2.2.3.177.2). */
function reply(status: number, response?: El): CommandResult {
  return { tree: FD('Find', FD('Status', status), response) };
}

function response(store: string, status: number, results: El[] = [], range?: string, total?: number): El {
  return FD(
    'Response',
    el('ItemOperations', 'Store', store),
    FD('Status', status),
    results,
    range !== undefined && FD('Range', range),
    total !== undefined && FD('Total', total),
  );
}

/** "0-n" (the Find XSD allows three digits); undefined when malformed, 'not0' when it starts elsewhere. */
function readRange(options: El | undefined): [number, number] | 'not0' | undefined {
  const m = /^(\d{1,3})-(\d{1,3})$/.exec((textAt(options, 'Range') ?? '0-99').trim());
  if (!m || Number(m[1]) > Number(m[2])) return undefined;
  return Number(m[1]) !== 0 ? 'not0' : [0, Number(m[2])];
}

function mailProperties(mail: Mail): El[] {
  const c = mailContent(mail);
  return [
    E('Subject', mail.subject),
    E('DateReceived', isoDate(mail.date)),
    E('DisplayTo', mail.to.map((a) => a.name || a.email).join('; ')),
    FD('DisplayCc', mail.cc.map((a) => a.name || a.email).join('; ')),
    E('Importance', mail.importance),
    E('Read', mail.read ? '1' : '0'),
    el('Email2', 'IsDraft', mail.isDraft ? '1' : '0'),
    FD('Preview', [...c.text].slice(0, 255).join('')),
    FD('HasAttachments', c.attachments.some((a) => !a.inline) ? '1' : '0'),
    E('From', formatAddress(mail.from)),
  ];
}

function page<T>(store: string, all: T[], range: [number, number], render: (x: T) => El): El {
  const slice = all.slice(0, range[1] + 1);
  return response(store, 1, slice.map(render), slice.length > 0 ? `0-${slice.length - 1}` : undefined, all.length);
}

function findMailbox(ctx: CommandContext, c: El): El {
  const query = kid(c, 'Query');
  const range = readRange(kid(c, 'Options'));
  if (range === 'not0') return response('Mailbox', 4);
  const cls = textAt(query, 'Class');
  if (!query || !range || (cls !== undefined && cls !== 'Email')) return response('Mailbox', 2);
  const q = { freeText: textAt(query, 'FreeText'), collectionId: textAt(query, 'CollectionId') };
  const hits = mailboxHits(ctx, q, kid(kid(c, 'Options') ?? c, 'DeepTraversal') !== undefined);
  if (!hits) return response('Mailbox', 3); // a folder the device does not know: FolderSync
  return page('Mailbox', hits, range, ([id, item]: [string, Item]) =>
    FD('Result', A('Class', 'Email'), A('ServerId', item.id), A('CollectionId', id), FD('Properties', mailProperties(item.data as Mail))),
  );
}

function findGal(ctx: CommandContext, c: El): El {
  const query = kid(c, 'Query');
  const range = readRange(kid(c, 'Options'));
  if (range === 'not0') return response('GAL', 4);
  const text = textAt(query, 'FreeText') ?? textOf(query);
  if (!query || !range || text.trim() === '') return response('GAL', 2);
  return page('GAL', galHits(ctx, text), range, (e) => FD('Result', FD('Properties', galProperties(e))));
}

export function find(ctx: CommandContext): CommandResult {
  if (!atLeast(ctx.version, '16.1')) return { http: 501 }; // Find is a 16.1 command
  const exec = ctx.body?.name === 'Find' ? kid(ctx.body, 'ExecuteSearch') : undefined;
  const mailbox = kid(exec ?? FD('ExecuteSearch'), 'MailBoxSearchCriterion');
  const gal = kid(exec ?? FD('ExecuteSearch'), 'GalSearchCriterion');
  if (mailbox) return reply(1, findMailbox(ctx, mailbox));
  if (gal) return reply(1, findGal(ctx, gal));
  return reply(2);
}
