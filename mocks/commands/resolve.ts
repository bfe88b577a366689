/**
 * ResolveRecipients (MS-ASCMD 2.2.1.15): names or addresses to GAL entries
 * (Type 1) and the user's contacts (Type 2), with free/busy for local users.
 */
import { intAt, kid, kids, ns, textAt, textOf, type El } from '../../src/wbxml/tree.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { parseAddresses } from '../items.ts';
import { classOfType, userByEmail, type Mailbox, type World } from '../model.ts';
import { parseDate } from '../wire.ts';
import { galMatches, pictureOf, readPictureAsk } from './search.ts';

const R = ns('ResolveRecipients');

interface Candidate {
  readonly type: 1 | 2;
  readonly name: string;
  readonly email: string;
}

function contactCandidates(mailbox: Mailbox): Candidate[] {
  const out: Candidate[] = [];
  for (const f of mailbox.folders.values()) {
    if (classOfType(f.type) !== 'Contacts' || f.shared) continue;
    for (const item of f.store.items.values()) {
      if (item.data.kind !== 'pim') continue;
      const get = (n: string): string => textOf(item.data.kind === 'pim' ? item.data.props.find((p) => p.name === n) : undefined);
      const email = parseAddresses(get('Email1Address'))[0]?.email ?? get('Email1Address');
      if (!email) continue;
      out.push({ type: 2, name: get('FileAs') || `${get('FirstName')} ${get('LastName')}`.trim(), email });
    }
  }
  return out;
}

/** Exact address match when the text has '@'; otherwise name/alias prefixes (ambiguous name resolution). */
function resolveOne(ctx: CommandContext, to: string): Candidate[] {
  const text = to.trim();
  const address = parseAddresses(text)[0]?.email ?? text;
  const gal = ctx.mock.world.gal;
  const contacts = contactCandidates(ctx.mailbox);
  if (address.includes('@')) {
    const e = address.toLowerCase();
    const g = gal.filter((x) => x.email.toLowerCase() === e).map((x): Candidate => ({ type: 1, name: x.displayName, email: x.email }));
    return g.length > 0 ? g : contacts.filter((c) => c.email.toLowerCase() === e);
  }
  const q = text.toLowerCase();
  const fromGal = gal.filter((x) => galMatches(x, text)).map((x): Candidate => ({ type: 1, name: x.displayName, email: x.email }));
  const fromContacts = contacts.filter(
    (c) =>
      c.name
        .toLowerCase()
        .split(/[\s,]+/)
        .some((w) => w.startsWith(q)) || c.email.toLowerCase().startsWith(q),
  );
  return [...fromGal, ...fromContacts];
}

/** MergedFreeBusy (MS-ASCMD 2.2.3.104): one digit per 30 minutes, the busiest BusyStatus (4 = no data). */
function mergedFreeBusy(world: World, email: string, start: number, end: number): string {
  const slots = Math.max(0, Math.ceil((end - start) / 1_800_000));
  const user = userByEmail(world, email);
  const box = user && world.mailboxes.get(user.login);
  if (!box) return '4'.repeat(slots);
  const digits = new Array<number>(slots).fill(0);
  for (const f of box.folders.values()) {
    if (classOfType(f.type) !== 'Calendar' || f.shared) continue;
    for (const item of f.store.items.values()) {
      if (item.data.kind !== 'pim') continue;
      const prop = (n: string): string | undefined => {
        const p = item.data.kind === 'pim' ? item.data.props.find((x) => x.ns === 'Calendar' && x.name === n) : undefined;
        return p ? textOf(p) : undefined;
      };
      const s = parseDate(prop('StartTime'));
      const e = parseDate(prop('EndTime'));
      if (s === undefined || e === undefined) continue;
      const busy = Number(prop('BusyStatus') ?? 2);
      for (let i = 0; i < slots; i++) {
        const a = start + i * 1_800_000;
        if (s < a + 1_800_000 && e > a) digits[i] = Math.max(digits[i] ?? 0, busy);
      }
    }
  }
  return digits.join('');
}

/** A GAL recipient's Picture when Options/Picture asked for photos (14.1+); a contact (Type 2) gets none. */
type PictureFor = (c: Candidate) => El | false;

function recipientEl(ctx: CommandContext, c: Candidate, availability: El | undefined, picture: PictureFor): El {
  const start = parseDate(textAt(availability, 'StartTime'));
  const end = parseDate(textAt(availability, 'EndTime'));
  return R(
    'Recipient',
    R('Type', c.type),
    R('DisplayName', c.name),
    R('EmailAddress', c.email),
    availability &&
      start !== undefined &&
      end !== undefined &&
      R('Availability', R('Status', 1), R('MergedFreeBusy', mergedFreeBusy(ctx.mock.world, c.email, start, end))),
    picture(c),
  );
}

/** Status per To: 1 resolved, 2 ambiguous (suggestions), 3 ambiguous (partial list), 4 not resolved. */
function responseFor(ctx: CommandContext, to: string, options: El | undefined, picture: PictureFor): El {
  const found = resolveOne(ctx, to);
  const max = intAt(options, 'MaxAmbiguousRecipients') ?? 19;
  const shown = found.length > 1 ? found.slice(0, max) : found;
  const status = found.length === 0 ? 4 : found.length === 1 ? 1 : shown.length < found.length ? 3 : 2;
  const availability = kid(options ?? R('Options'), 'Availability');
  return R(
    'Response',
    R('To', to),
    R('Status', status),
    R('RecipientCount', shown.length),
    shown.map((c) => recipientEl(ctx, c, availability, picture)),
  );
}

export function resolveRecipients(ctx: CommandContext): CommandResult {
  const body = ctx.body;
  const tos = body?.name === 'ResolveRecipients' ? kids(body, 'To').map(textOf) : [];
  if (!body || tos.length === 0) return { tree: R('ResolveRecipients', R('Status', 5)) }; // protocol error
  const options = kid(body, 'Options');
  const galPicture = pictureOf(readPictureAsk(options, ctx), R);
  const picture: PictureFor = (c) => {
    const entry = c.type === 1 && ctx.mock.world.gal.find((g) => g.email === c.email);
    return !!entry && galPicture(entry);
  };
  return {
    tree: R(
      'ResolveRecipients',
      R('Status', 1),
      tos.map((t) => responseFor(ctx, t, options, picture)),
    ),
  };
}
