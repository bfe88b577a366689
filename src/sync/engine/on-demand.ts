/**
 * What the engine fetches from the server when asked (engine.ts): whole bodies,
 * attachments and inline parts (cached), and searches. Outside the sync queue.
 */
import { DEFAULT_ATTACHMENT_CACHE, fetchAttachment, fetchInline, type AttachmentCache } from '../attachments.ts';
import { fetchBodies, openBody } from '../bodies.ts';
import { classify } from '../errors.ts';
import { Mutex } from '../primitives.ts';
import { openHit, searchGal, searchMailbox } from '../search.ts';
import { getOof, setOof } from '../oof.ts';
import { freeBusy } from '../recipients.ts';
import { senderPhotos } from '../sender-photos.ts';
import type { Engine } from '../engine.ts';
import type { EngineCore } from './core.ts';

export type OnDemand = Pick<
  Engine,
  | 'fetchBodies'
  | 'openBody'
  | 'fetchAttachment'
  | 'fetchInline'
  | 'searchGal'
  | 'freeBusy'
  | 'senderPhotos'
  | 'searchMailbox'
  | 'openSearchHit'
  | 'getOof'
  | 'setOof'
>;

export function onDemand(core: EngineCore): OnDemand {
  const { options, idsReady, runFor, requireAccount, online } = core;
  const cacheLock = new Mutex();
  const attachmentCache: AttachmentCache = {
    limit: options.attachmentCacheBytes ?? DEFAULT_ATTACHMENT_CACHE,
    lock: (fn) => cacheLock.run(fn),
  };

  return {
    async fetchBodies(accountId, folderId, serverIds, type, cache = true) {
      await idsReady;
      const run = runFor(await requireAccount(accountId));
      try {
        return await fetchBodies(run, folderId, serverIds, type, cache);
      } catch (e) {
        throw classify(e, run.session.account.url);
      }
    },

    openBody: (accountId, folderId, serverId, wish = 'auto') => online(accountId, (run) => openBody(run, folderId, serverId, wish)),

    fetchAttachment: (accountId, fileReference) => online(accountId, (run) => fetchAttachment(run, attachmentCache, fileReference)),

    fetchInline: (accountId, folderId, serverId, contentId) =>
      online(accountId, (run) => fetchInline(run, attachmentCache, folderId, serverId, contentId)),

    searchGal: (accountId, query, range) => online(accountId, (run) => searchGal(run, query, range)),

    freeBusy: (accountId, emails, start, end) => online(accountId, (run) => freeBusy(run, emails, start, end)),

    senderPhotos: (accountId, emails) => online(accountId, (run) => senderPhotos(run, emails)),

    searchMailbox: (accountId, query, searchOptions) => online(accountId, (run) => searchMailbox(run, query, searchOptions)),

    openSearchHit: (accountId, target) => online(accountId, (run) => openHit(run, target)),

    getOof: (accountId) => online(accountId, (run) => getOof(run)),

    setOof: (accountId, oof) => online(accountId, (run) => setOof(run, oof)),
  };
}
