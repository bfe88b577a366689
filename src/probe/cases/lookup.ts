/** Lookups: Search of the mailbox and of the GAL, and ResolveRecipients, for the user's own mail and address. */
import { buildResolveRecipients, parseResolveRecipients, resolveRecipientsStatusText } from '../../eas/commands/resolverecipients.ts';
import { buildSearch, parseSearch, searchStatusText, type SearchRequest, type SearchStoreResult } from '../../eas/commands/search.ts';
import { decodeEmail } from '../../eas/items/email.ts';
import { expectStatus, fail } from '../outcome.ts';
import type { ProbeCase } from '../runner.ts';
import { sleep, type ProbeSession } from '../session.ts';

async function search(s: ProbeSession, req: SearchRequest, signal: AbortSignal): Promise<SearchStoreResult> {
  const r = await s.call(buildSearch(req, s.ctx), parseSearch, signal);
  expectStatus('Search', r.status, searchStatusText);
  const store = r.store ?? fail('Search: no Response/Store');
  expectStatus(`Search ${req.store}`, store.status, searchStatusText);
  return store;
}

export const searchMailboxCase: ProbeCase = {
  name: 'Search Mailbox',
  needs: ['SendMail'],
  commands: ['Search'],
  timeout: (t) => t.deliveryMs + t.caseMs,
  async run(s, signal) {
    const inbox = s.synced('Email').folder.serverId;
    const text = s.prefix;
    // MS-ASCMD 2.2.3.142.2: a mailbox query is an And of Class, CollectionId and FreeText.
    const req: SearchRequest = {
      store: 'Mailbox',
      query: {
        kind: 'and',
        terms: [
          { kind: 'class', value: 'Email' },
          { kind: 'collectionId', value: inbox },
          { kind: 'freeText', text },
        ],
      },
      range: { first: 0, last: 9 },
    };
    // A server's search index may lag behind delivery: ask again until the delivery bound.
    const deadline = s.now() + s.timing.deliveryMs;
    for (;;) {
      const store = await search(s, req, signal);
      const subjects = store.results.map((r) => (r.properties ? (decodeEmail(r.properties, s.ctx).subject ?? '') : ''));
      const hits = subjects.filter((subject) => subject.includes(text)).length;
      if (hits > 0) return `${hits} of ${store.results.length} results for "${text}" are the probe's mails`;
      if (s.now() >= deadline) fail(`no result for "${text}" (${store.results.length} results) within ${s.timing.deliveryMs / 1000} s`);
      await sleep(s.timing.pollMs, signal);
    }
  },
};

/** The user's name for a GAL query: the local part of the address. */
function galQuery(email: string): string {
  return email.split('@')[0] ?? email;
}

export const searchGalCase: ProbeCase = {
  name: 'Search GAL',
  needs: ['OPTIONS'],
  commands: ['Search'],
  async run(s, signal) {
    const query = galQuery(s.email);
    // MS-ASCMD 2.2.1.16: a GAL search by name; the user is in their own GAL.
    const store = await search(s, { store: 'GAL', query, range: { first: 0, last: 99 } }, signal);
    const me = store.results.find((r) => r.gal?.emailAddress?.toLowerCase() === s.email.toLowerCase());
    if (!me) fail(`no entry with ${s.email} among ${store.results.length} results for "${query}"`);
    return `found ${me.gal?.displayName ?? s.email} <${s.email}> among ${store.results.length} results for "${query}"`;
  },
};

export const resolveRecipientsCase: ProbeCase = {
  name: 'ResolveRecipients',
  needs: ['OPTIONS'],
  commands: ['ResolveRecipients'],
  async run(s, signal) {
    // MS-ASCMD 2.2.1.15: the user's own address resolves to the user.
    const r = await s.call(buildResolveRecipients({ to: [s.email] }, s.ctx), parseResolveRecipients, signal);
    expectStatus('ResolveRecipients', r.status, resolveRecipientsStatusText);
    const response = r.responses[0] ?? fail('ResolveRecipients: no Response');
    expectStatus(`ResolveRecipients of ${s.email}`, response.status, resolveRecipientsStatusText);
    const me = response.recipients.find((x) => x.emailAddress.toLowerCase() === s.email.toLowerCase());
    if (!me) fail(`${s.email} resolved to ${response.recipients.map((x) => x.emailAddress).join(', ') || 'nobody'}`);
    return `${s.email} resolved to ${me.displayName} (Type ${me.type})`;
  },
};
