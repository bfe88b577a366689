/**
 * What queued edits carry (PendingRecord.payload, by kind): plain structured-clonable
 * data, kept in the store so that the engine and the screens read it without casts.
 */
import type { CalendarItem } from '../eas/items/calendar.ts';
import type { Contact } from '../eas/items/contact.ts';
import type { Address } from '../eas/items/addresses.ts';
import type { AttachmentChanges } from '../eas/items/airsyncbase.ts';
import type { Email, EmailChange } from '../eas/items/email.ts';
import type { Task } from '../eas/items/task.ts';
import type { SyncClass } from './schema.ts';

export interface AddPayload {
  readonly class: SyncClass;
  readonly data: unknown;
  /** A 16.x draft's attachments, uploaded with it (MS-ASAIRS 2.2.2.2). */
  readonly attachments?: AttachmentChanges;
}

export interface MovePayload {
  readonly dstFolderId: string;
  /** The item's provisional ServerId in the destination until MoveItems answers. */
  readonly placeholder: string;
}

export interface MeetingResponsePayload {
  /** 1 accepted, 2 tentative, 3 declined (MS-ASCMD 2.2.3.194). */
  readonly userResponse: 1 | 2 | 3;
  /** One occurrence of a recurring meeting, by its original start (MS-ASCMD 2.2.3.92.1, 14.1+). */
  readonly instanceId?: Date;
  /**
   * A request with this answer went out and no answer came back (set before sending,
   * so a kill counts too): the server may have recorded it already (edit-commands.ts).
   */
  readonly unanswered?: boolean;
}

/** A queued change, kept until the server confirms it. */
export type ChangePayload =
  | { readonly class: 'Email'; readonly change: EmailChange }
  /** `previous` is the server's version the edit started from: encodeCalendarChange sends what changed. */
  | { readonly class: 'Calendar'; readonly previous: CalendarItem; readonly next: CalendarItem }
  | { readonly class: 'Contacts'; readonly next: Contact }
  | { readonly class: 'Tasks'; readonly next: Task }
  /**
   * A 16.x draft in the Drafts folder, whole (MS-ASEMAIL 3.1.5.3.2): its recipients,
   * subject and body. `send`: the Change carries email2:Send and the server sends it.
   * `attachments`: files to upload and FileReferences to delete (MS-ASAIRS 2.2.2.8).
   */
  | { readonly class: 'Draft'; readonly next: Email; readonly send?: true; readonly attachments?: AttachmentChanges };

/** A delete: the class of the item deleted (for the queue's views). */
export interface DeletePayload {
  readonly class: string;
  /**
   * A 16.x draft sent as a reply or forward: removed, not moved to Deleted Items (sent with
   * DeletesAsMoves 0, MS-ASCMD 2.2.3.43), as a draft sent by email2:Send leaves no copy there.
   */
  readonly purge?: true;
  /**
   * The outbox record (PendingRecord.id) that sends the draft: the draft stays on the server
   * until that mail is gone from the queue, so that a file the mail takes from it (by its
   * FileReference, outbox.ts) can still be fetched.
   */
  readonly afterSend?: number;
}

export interface OutgoingAttachment {
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
  /** An image the HTML shows as cid:<contentId>. */
  readonly contentId?: string;
  /** A 16.x draft's attachment on the server: its FileReference, or the ClientId it was added with (MS-ASAIRS 2.2.2.14). */
  readonly id?: string;
  /**
   * The bytes are not on this device (`bytes` is empty): `id` is the FileReference of the
   * server's draft file that holds them, fetched before the mail is sent (outbox.ts).
   */
  readonly notFetched?: true;
}

/** A mail for the outbox (the UI calls it OutgoingMail). */
export interface OutgoingMessage {
  readonly accountId: string;
  readonly to: readonly Address[];
  readonly cc: readonly Address[];
  readonly bcc: readonly Address[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly importance?: 0 | 1 | 2;
  readonly attachments: readonly OutgoingAttachment[];
  /**
   * A reply or forward of a synced mail. `quoted`: the text already holds the original
   * (ReplaceMime); a forward keeps the original's attachments either way.
   */
  readonly source?: {
    readonly kind: 'reply' | 'replyAll' | 'forward';
    /** The original by its stable id (ItemRecord.id): found wherever a move has taken it since. */
    readonly ref: { readonly accountId: string; readonly itemId: string };
    readonly quoted: boolean;
  };
}

/** Where a queued mail stands; 'sent' ones leave the queue (an 'outbox' event says so). */
export type OutboxState = 'queued' | 'sending' | 'failed';

/** The payload of a 'send' record: the mail, its fixed Message-ID and Date, and its state. */
export interface OutboxPayload extends OutgoingMessage {
  readonly state: OutboxState;
  readonly messageId: string;
  readonly date: number;
  /** The Smart* command failed or cannot be used: SendMail with the original included. */
  readonly fallback?: boolean;
  /** A request with this mail may have reached the server without an answer coming back. */
  readonly unconfirmed?: boolean;
}
