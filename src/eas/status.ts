/**
 * Common status codes (MS-ASCMD 2.2.2).
 *
 * Any command response's Status element can carry one of these values instead of
 * a command-specific code (which are all below 100). In protocol versions 12.x
 * several of these conditions arrive as HTTP status codes instead (449 for
 * provisioning, 401/403 for access); from 14.0 on they arrive here.
 *
 * The classifiers at the end group the codes by what a client does next:
 * provision again, retry later, re-sync from scratch, stop and tell the user,
 * or treat it as a bug in the request.
 */

/** A common status value (MS-ASCMD 2.2.2). 157-159 and 180-182 are not defined. */
export type EasCommonStatus =
  /** InvalidContent: the body of the HTTP request is invalid (e.g. missing, or the wrong Content-Type). */
  | 101
  /** InvalidWBXML: the request contains WBXML that could not be decoded. */
  | 102
  /** InvalidXML: the XML in the request does not follow the protocol requirements. */
  | 103
  /** InvalidDateTime: a timestamp in the request could not be parsed. */
  | 104
  /** InvalidCombinationOfIDs: the request combines parameters that cannot be used together. */
  | 105
  /** InvalidIDs: one or more IDs in the request could not be parsed. */
  | 106
  /** InvalidMIME: data in the request could not be parsed as MIME. */
  | 107
  /** DeviceIdMissingOrInvalid: the DeviceId is missing or badly formed. */
  | 108
  /** DeviceTypeMissingOrInvalid: the DeviceType is missing or badly formed. */
  | 109
  /** ServerError: unknown server error; the client SHOULD NOT retry the same request later. */
  | 110
  /** ServerErrorRetryLater: unknown server error; the client SHOULD retry later. */
  | 111
  /** ActiveDirectoryAccessDenied: the server cannot read or write a directory object. */
  | 112
  /** MailboxQuotaExceeded: the mailbox has reached its size quota. */
  | 113
  /** MailboxServerOffline: the mailbox server is offline. */
  | 114
  /** SendQuotaExceeded: the request would exceed the send quota. */
  | 115
  /** MessageRecipientUnresolved: a recipient could not be resolved to an email address. */
  | 116
  /** MessageReplyNotAllowed: the mailbox server does not allow a reply to this message. */
  | 117
  /** MessagePreviouslySent: the message, or its ClientId, was already sent. */
  | 118
  /** MessageHasNoRecipient: the message being sent has no recipient. */
  | 119
  /** MailSubmissionFailed: the server failed to submit the message for delivery. */
  | 120
  /** MessageReplyFailed: the server failed to create the reply message. */
  | 121
  /** AttachmentIsTooLarge: the attachment is too large for this request. */
  | 122
  /** UserHasNoMailbox: no mailbox was found for the user. */
  | 123
  /** UserCannotBeAnonymous: the request had no credentials; anonymous access is not allowed. */
  | 124
  /** UserPrincipalCouldNotBeFound: the user was not found in the directory. */
  | 125
  /** UserDisabledForSync: the directory says this user may not use ActiveSync. */
  | 126
  /** UserOnNewMailboxCannotSync: the server is configured to keep this user from syncing. */
  | 127
  /** UserOnLegacyMailboxCannotSync: users on legacy mailbox servers may not sync. */
  | 128
  /** DeviceIsBlockedForThisUser: only some devices may sync for this user, not this one. */
  | 129
  /** AccessDenied: the user may not perform this request. */
  | 130
  /** AccountDisabled: the user's account is disabled. */
  | 131
  /** SyncStateNotFound: the server's sync state for this device is missing. */
  | 132
  /** SyncStateLocked: the server's sync state is locked (e.g. a mailbox move); retry later. */
  | 133
  /** SyncStateCorrupt: the server's sync state is corrupt. */
  | 134
  /** SyncStateAlreadyExists: the sync state already exists (two concurrent initial syncs). */
  | 135
  /** SyncStateVersionInvalid: the server's sync state has an invalid version. */
  | 136
  /** CommandNotSupported: the server does not support this command. */
  | 137
  /** VersionNotSupported: the command is not supported in the protocol version used. */
  | 138
  /** DeviceNotFullyProvisionable: the device cannot apply all the policy settings the admin set. */
  | 139
  /** RemoteWipeRequested: provision to receive the remote wipe directive (MS-ASPROV 3.1.5.1). */
  | 140
  /** LegacyDeviceOnStrictPolicy: a policy is in place but the device is not provisionable. */
  | 141
  /** DeviceNotProvisioned: a policy is in place; the device must provision. */
  | 142
  /** PolicyRefresh: the policy is refreshed periodically; the device must provision again. */
  | 143
  /** InvalidPolicyKey: the policy key is not current (the policy changed); provision again. */
  | 144
  /** ExternallyManagedDevicesNotAllowed: externally managed devices may not sync. */
  | 145
  /** NoRecurrenceInCalendar: the request acted on an occurrence of a non-recurring meeting. */
  | 146
  /** UnexpectedItemClass: the request acted on an item class the server does not know. */
  | 147
  /** RemoteServerHasNoSSL: the request must be proxied to a server without SSL, which is not allowed. */
  | 148
  /** InvalidStoredRequest: the stored previous request could not be replayed for an empty request. */
  | 149
  /** ItemNotFound: the item (e.g. the SmartReply/SmartForward source) was not found. */
  | 150
  /** TooManyFolders: the mailbox has too many folders. */
  | 151
  /** NoFoldersFound: the mailbox has no folders. */
  | 152
  /** ItemsLostAfterMove: some moved items could not be found in the destination. */
  | 153
  /** FailureInMoveOperation: the mailbox server failed while moving items. */
  | 154
  /** MoveCommandDisallowedForNonPersistentMoveAction: a conversation move lacks MoveAlways. */
  | 155
  /** MoveCommandInvalidDestinationFolder: the destination folder of the move is invalid. */
  | 156
  /** AvailabilityTooManyRecipients: too many recipients to request availability for. */
  | 160
  /** AvailabilityDLLimitReached: the distribution list is too large for the availability service. */
  | 161
  /** AvailabilityTransientFailure: the availability service failed transiently. */
  | 162
  /** AvailabilityFailure: the availability service failed. */
  | 163
  /** BodyPartPreferenceTypeNotSupported: BodyPartPreference has an unsupported Type. */
  | 164
  /** DeviceInformationRequired: the Provision request lacks the required DeviceInformation. */
  | 165
  /** InvalidAccountId: the AccountId is not valid. */
  | 166
  /** AccountSendDisabled: the AccountId does not allow sending mail. */
  | 167
  /** IRM_FeatureDisabled: Information Rights Management is disabled. */
  | 168
  /** IRM_TransientError: IRM failed transiently; retry later. */
  | 169
  /** IRM_PermanentError: IRM failed permanently. */
  | 170
  /** IRM_InvalidTemplateID: the rights-management template ID is not valid. */
  | 171
  /** IRM_OperationNotPermitted: IRM does not permit this operation. */
  | 172
  /** NoPicture: the user has no contact photo. */
  | 173
  /** PictureTooLarge: the contact photo exceeds MaxSize. */
  | 174
  /** PictureLimitReached: more photos than MaxPictures would be returned. */
  | 175
  /** BodyPart_ConversationTooLarge: the conversation is too large to compute body parts. */
  | 176
  /** MaximumDevicesReached: the account has too many device partnerships; remove some on the server. */
  | 177
  /** InvalidMimeBodyCombination: SmartForward combined Mime with Body/Forwardees-only elements. */
  | 178
  /** InvalidSmartForwardParameters: SmartForward Forwardees or Body could not be parsed. */
  | 179
  /** InvalidRecipients: a Forwardee in the request is not valid. */
  | 183
  /** OneOrMoreExceptionsFailed: one or more calendar exceptions could not be saved. */
  | 184;

/** [code, spec name, short English text] for each common status (MS-ASCMD 2.2.2). */
const TABLE: ReadonlyArray<readonly [EasCommonStatus, string, string]> = [
  [101, 'InvalidContent', 'The request body is invalid'],
  [102, 'InvalidWBXML', 'The request WBXML could not be decoded'],
  [103, 'InvalidXML', 'The request XML does not follow the protocol'],
  [104, 'InvalidDateTime', 'A date/time in the request is invalid'],
  [105, 'InvalidCombinationOfIDs', 'The request combines IDs that cannot go together'],
  [106, 'InvalidIDs', 'An ID in the request is invalid'],
  [107, 'InvalidMIME', 'The MIME in the request is invalid'],
  [108, 'DeviceIdMissingOrInvalid', 'The device ID is missing or invalid'],
  [109, 'DeviceTypeMissingOrInvalid', 'The device type is missing or invalid'],
  [110, 'ServerError', 'Server error (do not retry the same request)'],
  [111, 'ServerErrorRetryLater', 'Server error, retry later'],
  [112, 'ActiveDirectoryAccessDenied', 'The server cannot access the directory'],
  [113, 'MailboxQuotaExceeded', 'The mailbox is full'],
  [114, 'MailboxServerOffline', 'The mailbox server is offline'],
  [115, 'SendQuotaExceeded', 'The send quota is exceeded'],
  [116, 'MessageRecipientUnresolved', 'A recipient could not be resolved'],
  [117, 'MessageReplyNotAllowed', 'Replying to this message is not allowed'],
  [118, 'MessagePreviouslySent', 'The message was already sent'],
  [119, 'MessageHasNoRecipient', 'The message has no recipient'],
  [120, 'MailSubmissionFailed', 'The message could not be submitted'],
  [121, 'MessageReplyFailed', 'The reply could not be created'],
  [122, 'AttachmentIsTooLarge', 'The attachment is too large'],
  [123, 'UserHasNoMailbox', 'The user has no mailbox'],
  [124, 'UserCannotBeAnonymous', 'Credentials are required'],
  [125, 'UserPrincipalCouldNotBeFound', 'The user was not found'],
  [126, 'UserDisabledForSync', 'The user is not allowed to use ActiveSync'],
  [127, 'UserOnNewMailboxCannotSync', 'The server does not allow this user to sync'],
  [128, 'UserOnLegacyMailboxCannotSync', 'Users on legacy mailbox servers cannot sync'],
  [129, 'DeviceIsBlockedForThisUser', 'This device is blocked for the user'],
  [130, 'AccessDenied', 'Access denied'],
  [131, 'AccountDisabled', 'The account is disabled'],
  [132, 'SyncStateNotFound', 'The server lost the sync state'],
  [133, 'SyncStateLocked', 'The sync state is locked, retry later'],
  [134, 'SyncStateCorrupt', 'The sync state is corrupt'],
  [135, 'SyncStateAlreadyExists', 'The sync state already exists'],
  [136, 'SyncStateVersionInvalid', 'The sync state version is invalid'],
  [137, 'CommandNotSupported', 'The server does not support this command'],
  [138, 'VersionNotSupported', 'The command is not supported in this protocol version'],
  [139, 'DeviceNotFullyProvisionable', 'The device cannot apply the whole policy'],
  [140, 'RemoteWipeRequested', 'A remote wipe was requested'],
  [141, 'LegacyDeviceOnStrictPolicy', 'The device is not provisionable under the policy'],
  [142, 'DeviceNotProvisioned', 'The device must provision'],
  [143, 'PolicyRefresh', 'The policy must be refreshed'],
  [144, 'InvalidPolicyKey', 'The policy key is invalid'],
  [145, 'ExternallyManagedDevicesNotAllowed', 'Externally managed devices are not allowed'],
  [146, 'NoRecurrenceInCalendar', 'The meeting has no recurrence'],
  [147, 'UnexpectedItemClass', 'Unexpected item class'],
  [148, 'RemoteServerHasNoSSL', 'The remote server has no SSL'],
  [149, 'InvalidStoredRequest', 'The stored request could not be replayed'],
  [150, 'ItemNotFound', 'The item was not found'],
  [151, 'TooManyFolders', 'The mailbox has too many folders'],
  [152, 'NoFoldersFound', 'The mailbox has no folders'],
  [153, 'ItemsLostAfterMove', 'Items were lost after the move'],
  [154, 'FailureInMoveOperation', 'The move failed'],
  [155, 'MoveCommandDisallowedForNonPersistentMoveAction', 'A conversation move needs MoveAlways'],
  [156, 'MoveCommandInvalidDestinationFolder', 'The destination folder is invalid'],
  [160, 'AvailabilityTooManyRecipients', 'Too many recipients for availability'],
  [161, 'AvailabilityDLLimitReached', 'The distribution list is too large for availability'],
  [162, 'AvailabilityTransientFailure', 'Availability failed, retry later'],
  [163, 'AvailabilityFailure', 'Availability failed'],
  [164, 'BodyPartPreferenceTypeNotSupported', 'Unsupported BodyPartPreference type'],
  [165, 'DeviceInformationRequired', 'Device information is required'],
  [166, 'InvalidAccountId', 'The account ID is invalid'],
  [167, 'AccountSendDisabled', 'Sending is disabled for this account'],
  [168, 'IRM_FeatureDisabled', 'Rights management is disabled'],
  [169, 'IRM_TransientError', 'Rights management failed, retry later'],
  [170, 'IRM_PermanentError', 'Rights management failed'],
  [171, 'IRM_InvalidTemplateID', 'The rights management template is invalid'],
  [172, 'IRM_OperationNotPermitted', 'Rights management does not permit this operation'],
  [173, 'NoPicture', 'The user has no picture'],
  [174, 'PictureTooLarge', 'The picture is too large'],
  [175, 'PictureLimitReached', 'Too many pictures'],
  [176, 'BodyPart_ConversationTooLarge', 'The conversation is too large for body parts'],
  [177, 'MaximumDevicesReached', 'Too many devices for this account'],
  [178, 'InvalidMimeBodyCombination', 'Mime cannot be combined with these elements'],
  [179, 'InvalidSmartForwardParameters', 'Invalid SmartForward parameters'],
  [183, 'InvalidRecipients', 'Invalid recipients'],
  [184, 'OneOrMoreExceptionsFailed', 'One or more exceptions could not be saved'],
];

const BY_CODE = new Map<number, readonly [EasCommonStatus, string, string]>(TABLE.map((row) => [row[0], row]));

export function isCommonStatus(code: number): code is EasCommonStatus {
  return BY_CODE.has(code);
}

/** The spec's name for a common status ("DeviceNotProvisioned"), or undefined. */
export function commonStatusName(code: number): string | undefined {
  return BY_CODE.get(code)?.[1];
}

/** Short English text for a common status code. */
export function describeStatus(code: number): string {
  return BY_CODE.get(code)?.[2] ?? `Unknown status ${code}`;
}

/**
 * What a client does next on a common status:
 * - `provision`: run Provision again, then retry (MS-ASPROV 3.1.5.1);
 * - `retry`: a transient condition, retry the same request later;
 * - `resync`: the server lost this device's state, start over with SyncKey 0;
 * - `account`: the account or device is barred, stop and tell the user;
 * - `request`: the request was wrong (a client bug or unsupported feature), do not repeat it;
 * - `server`: a permanent server-side failure for this request;
 * - `item`: concerns the item or operation only, the session is fine.
 */
export type StatusAction = 'provision' | 'retry' | 'resync' | 'account' | 'request' | 'server' | 'item';

const ACTION_SETS: ReadonlyArray<readonly [StatusAction, ReadonlySet<number>]> = [
  // MS-ASCMD 2.2.2: 142-144 say "provision"; 140 needs a Provision to receive the wipe.
  ['provision', new Set([140, 142, 143, 144])],
  // "retry later" in the spec's resolutions; 133: locked during a mailbox move;
  // 135: two initial syncs raced, the next attempt finds the state.
  ['retry', new Set([111, 114, 133, 135, 162, 169])],
  ['resync', new Set([132, 134, 136])],
  ['account', new Set([112, 113, 123, 124, 125, 126, 127, 128, 129, 130, 131, 139, 141, 145, 177])],
  ['request', new Set([101, 102, 103, 104, 105, 106, 107, 108, 109, 137, 138, 164, 165, 178, 179])],
  ['server', new Set([110, 148, 149, 151, 152])],
];

/** The action for a common status; `item` for the rest (e.g. 115-122, 146-156, 160-176, 183-184). */
export function statusAction(code: EasCommonStatus): StatusAction {
  for (const [action, codes] of ACTION_SETS) if (codes.has(code)) return action;
  return 'item';
}

/** 140, 142, 143, 144: Provision, then repeat the request. */
export function needsProvisioning(code: number): boolean {
  return isCommonStatus(code) && statusAction(code) === 'provision';
}

/** Transient server conditions worth retrying later (111, 114, 133, 135, 162, 169). */
export function isRetryLater(code: number): boolean {
  return isCommonStatus(code) && statusAction(code) === 'retry';
}

/** The account, user or device is refused: stop syncing and tell the user. */
export function isAccountBlocked(code: number): boolean {
  return isCommonStatus(code) && statusAction(code) === 'account';
}

/** The server's state for this device is gone: restart the affected sync from key 0. */
export function needsResync(code: number): boolean {
  return isCommonStatus(code) && statusAction(code) === 'resync';
}
