/**
 * Settings (MS-ASCMD 2.2.1.18): Oof get/set, DeviceInformation, DevicePassword,
 * UserInformation (shape by version), RightsManagementInformation.
 */
import { atLeast } from '../../src/eas/version.ts';
import { el, intAt, kid, kids, ns, textAt, textOf, type El } from '../../src/wbxml/tree.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import type { Oof, OofMessage } from '../model.ts';
import { isoDate, parseDate } from '../wire.ts';

const S = ns('Settings');

/** MS-ASCMD 2.2.3.118: one OofMessage per audience. */
const AUDIENCES = [
  ['AppliesToInternal', 'internal'],
  ['AppliesToExternalKnown', 'externalKnown'],
  ['AppliesToExternalUnknown', 'externalUnknown'],
] as const;

function oofMessageEl(tag: string, m: OofMessage): El {
  return S('OofMessage', S(tag), S('Enabled', m.enabled ? '1' : '0'), S('ReplyMessage', m.text), S('BodyType', m.bodyType));
}

function oofGet(oof: Oof): El {
  return S(
    'Oof',
    S('Status', 1),
    S(
      'Get',
      S('OofState', oof.state),
      oof.start !== undefined && S('StartTime', isoDate(oof.start)),
      oof.end !== undefined && S('EndTime', isoDate(oof.end)),
      AUDIENCES.map(([tag, key]) => oofMessageEl(tag, oof[key])),
    ),
  );
}

/** Oof Set; Status 5 (invalid arguments) for a time-based state without a valid window. */
function oofSet(oof: Oof, set: El): El {
  const state = intAt(set, 'OofState') ?? oof.state;
  const start = parseDate(textAt(set, 'StartTime'));
  const end = parseDate(textAt(set, 'EndTime'));
  if (state < 0 || state > 2 || (state === 2 && (start === undefined || end === undefined || end <= start))) {
    return S('Oof', S('Status', 5));
  }
  oof.state = state;
  oof.start = start;
  oof.end = end;
  for (const msg of kids(set, 'OofMessage')) {
    const audience = AUDIENCES.find(([tag]) => kid(msg, tag));
    if (!audience) continue;
    oof[audience[1]] = {
      enabled: textAt(msg, 'Enabled') === '1',
      text: textAt(msg, 'ReplyMessage') ?? '',
      bodyType: textAt(msg, 'BodyType')?.toUpperCase() === 'HTML' ? 'HTML' : 'Text',
    };
  }
  return S('Oof', S('Status', 1));
}

/** UserInformation Get: 14.1+ Accounts/Account, earlier EmailAddresses/SMTPAddress (MS-ASCMD 2.2.3.197). */
function userInformation(ctx: CommandContext): El {
  const u = ctx.user;
  const get = atLeast(ctx.version, '14.1')
    ? S('Get', S('Accounts', S('Account', S('UserDisplayName', u.displayName), S('EmailAddresses', S('PrimarySmtpAddress', u.email)))))
    : S('Get', S('EmailAddresses', S('SMTPAddress', u.email)));
  return S('UserInformation', S('Status', 1), get);
}

function deviceInformation(ctx: CommandContext, e: El): El {
  for (const c of kids(kid(e, 'Set') ?? e)) ctx.device.information[c.name] = textOf(c);
  return S('DeviceInformation', S('Status', 1));
}

export function settings(ctx: CommandContext): CommandResult {
  const body = ctx.body;
  if (body?.name !== 'Settings') return { tree: S('Settings', S('Status', 2)) };
  const parts = kids(body).map((e): El | undefined => {
    if (e.name === 'Oof') {
      const set = kid(e, 'Set');
      return set ? oofSet(ctx.user.oof, set) : oofGet(ctx.user.oof);
    }
    if (e.name === 'DeviceInformation') return deviceInformation(ctx, e);
    if (e.name === 'DevicePassword') return S('DevicePassword', S('Status', 1));
    if (e.name === 'UserInformation') return userInformation(ctx);
    if (e.name === 'RightsManagementInformation') {
      return S('RightsManagementInformation', S('Status', 1), S('Get', el('RightsManagement', 'RightsManagementTemplates')));
    }
    return undefined;
  });
  return { tree: S('Settings', S('Status', 1), parts) };
}
