/**
 * The command table: Cmd query value -> handler, and the root element that
 * carries a command-wide Status (for the provisioning gate).
 */
import type { Handler } from '../context.ts';
import { getAttachment } from './attachment.ts';
import { getItemEstimate } from './estimate.ts';
import { find } from './find.ts';
import { folderCreate, folderDelete, folderSync, folderUpdate } from './folders.ts';
import { itemOperations } from './itemops.ts';
import { meetingResponse } from './meeting.ts';
import { moveItems } from './move.ts';
import { ping } from './ping.ts';
import { provision } from './provision.ts';
import { resolveRecipients } from './resolve.ts';
import { search } from './search.ts';
import { sendMail, smartForward, smartReply } from './send.ts';
import { settings } from './settings.ts';
import { sync } from './sync.ts';

export const HANDLERS: Readonly<Record<string, Handler>> = {
  Sync: sync,
  SendMail: sendMail,
  SmartForward: smartForward,
  SmartReply: smartReply,
  GetAttachment: getAttachment,
  FolderSync: folderSync,
  FolderCreate: folderCreate,
  FolderDelete: folderDelete,
  FolderUpdate: folderUpdate,
  MoveItems: moveItems,
  GetItemEstimate: getItemEstimate,
  MeetingResponse: meetingResponse,
  Search: search,
  Settings: settings,
  Ping: ping,
  ItemOperations: itemOperations,
  Provision: provision,
  ResolveRecipients: resolveRecipients,
  Find: find,
};

/** Root element (namespace, name) of each command's response. */
export const STATUS_ROOT: Readonly<Record<string, { ns: string; name: string }>> = {
  Sync: { ns: 'AirSync', name: 'Sync' },
  SendMail: { ns: 'ComposeMail', name: 'SendMail' },
  SmartForward: { ns: 'ComposeMail', name: 'SmartForward' },
  SmartReply: { ns: 'ComposeMail', name: 'SmartReply' },
  FolderSync: { ns: 'FolderHierarchy', name: 'FolderSync' },
  FolderCreate: { ns: 'FolderHierarchy', name: 'FolderCreate' },
  FolderDelete: { ns: 'FolderHierarchy', name: 'FolderDelete' },
  FolderUpdate: { ns: 'FolderHierarchy', name: 'FolderUpdate' },
  MoveItems: { ns: 'Move', name: 'MoveItems' },
  GetItemEstimate: { ns: 'GetItemEstimate', name: 'GetItemEstimate' },
  MeetingResponse: { ns: 'MeetingResponse', name: 'MeetingResponse' },
  Search: { ns: 'Search', name: 'Search' },
  Settings: { ns: 'Settings', name: 'Settings' },
  Ping: { ns: 'Ping', name: 'Ping' },
  ItemOperations: { ns: 'ItemOperations', name: 'ItemOperations' },
  ResolveRecipients: { ns: 'ResolveRecipients', name: 'ResolveRecipients' },
  Find: { ns: 'Find', name: 'Find' },
};
