/**
 * Read-only views of the mock's world for tests, as JSON: served under `/mock-control/`
 * by the mock (`GET /mock-control/folders`, `/mock-control/mailbox`, `/mock-control/oof`)
 * and under `/__demo/` by the demo in the service worker. They change nothing.
 */
import { FolderType, mailContent, type Mail, type World } from './model.ts';

/** `?user=alice`: every folder of a mock mailbox with its item count (for the e2e tests). */
export function foldersView(world: World, url: URL): Response {
  const user = url.searchParams.get('user') ?? 'alice';
  const mailbox = world.mailboxes.get(user);
  if (!mailbox) return Response.json({ error: `no user ${user}` }, { status: 404 });
  const folders = [...mailbox.folders].map(([id, f]) => ({
    id,
    parentId: f.parentId,
    name: f.name,
    type: f.type,
    count: f.store.items.size,
  }));
  return Response.json({ user, folders });
}

/** MS-ASEMAIL 2.2.2.31 Flag Status 2: flagged (0 cleared, 1 complete; an empty Flag clears it). */
const flagged = (mail: Mail): boolean =>
  mail.flag?.children.some((c) => typeof c === 'object' && 'name' in c && c.name === 'Status' && c.children.join('') === '2') ?? false;

/**
 * `?user=bob&folder=Inbox`: what a mock folder holds (for the e2e tests):
 * each mail's subject, sender, recipients (To), date, read and flag; each contact's, event's or task's
 * simple properties as `Namespace:Name` -> text; with `bodies=1` each mail's text, HTML and files (name, type, size).
 */
export function mailboxView(world: World, url: URL): Response {
  const user = url.searchParams.get('user') ?? 'alice';
  const name = url.searchParams.get('folder') ?? 'Inbox';
  const mailbox = world.mailboxes.get(user);
  const folder = [...(mailbox?.folders.values() ?? [])].find((f) => (name === 'Inbox' ? f.type === FolderType.Inbox : f.name === name));
  if (!folder) return Response.json({ error: `no folder ${name} for ${user}` }, { status: 404 });
  const items = [...folder.store.items.values()].map((i) => {
    const mail = i.data.kind === 'mail' ? (i.data as Mail) : undefined;
    const fields =
      i.data.kind === 'pim'
        ? Object.fromEntries(
            i.data.props
              .filter((p) => p.children.every((c) => typeof c === 'string'))
              .map((p) => [`${p.ns}:${p.name}`, p.children.join('')]),
          )
        : undefined;
    const content = mail && url.searchParams.get('bodies') === '1' ? mailContent(mail) : undefined;
    return {
      id: i.id,
      subject: mail?.subject,
      from: mail?.from.email,
      to: mail?.to.map((a) => a.email),
      date: mail?.date,
      read: mail?.read,
      flagged: mail ? flagged(mail) : undefined,
      fields,
      text: content?.text,
      html: content?.html,
      files: content?.attachments.map((a) => ({ name: a.name, type: a.contentType, size: a.bytes.length })),
    };
  });
  return Response.json({ user, folder: folder.name, items });
}

/** `?user=alice`: the user's automatic-reply settings as Settings Oof last set them (model.ts Oof). */
export function oofView(world: World, url: URL): Response {
  const user = world.users.get(url.searchParams.get('user') ?? 'alice');
  if (!user) return Response.json({ error: `no user ${url.searchParams.get('user')}` }, { status: 404 });
  return Response.json(user.oof);
}
