/**
 * The 26 EAS code pages of MS-ASWBXML section 2.1.2.1: for each page, its
 * namespace name and every tag the spec's table lists, with its token.
 *
 * Each `run(start, 'A B C')` gives consecutive tokens start, start+1, ... to
 * the names in order; gaps in a table start a new run. Tokens that a table
 * marks as valid only for some protocol versions (2.5-only tags, 16.x tags)
 * are included: the codec must read every version. Which versions may send a
 * tag is the command modules' business, not the codec's.
 *
 * Names follow the MS-ASWBXML tables; where the tables of other specs or of
 * the XSDs disagree, the choice is noted on the line (MS-ASCMD wins over XSD).
 *
 * OPAQUE (WBXML 1.2 section 5.8.4.6): MS-ASDTYPE 2.7.1 says elements whose
 * value is a byte array "MUST be encoded and transmitted as opaque data".
 * The byte-array elements are listed per page in `opaque`. Not opaque:
 * ItemOperations:Data (MS-ASCMD 2.2.3.39.2: string holding base64; a
 * multipart response replaces it with Part), Search:ConversationId
 * (MS-ASCMD 2.2.3.35.2: string, a GUID), and base64 strings such as
 * Calendar:Timezone, Contacts:Picture, ResolveRecipients and ValidateCert
 * Certificate. GAL:Data and ResolveRecipients:Data (contact photos) are byte
 * arrays (MS-ASCMD 2.2.3.39.1, 2.2.3.39.3, 2.2.3.39.4), so opaque; libwbxml
 * encodes GAL:Data that way too. The decoder accepts OPAQUE under any tag anyway.
 */
import type { CodePage, Vocabulary } from '../wbxml/vocabulary.ts';

type Run = readonly [start: number, names: string];

function run(start: number, names: string): Run {
  return [start, names];
}

function page(n: number, ns: string, runs: readonly Run[], opaque?: readonly string[]): CodePage {
  const tags: Record<number, string> = {};
  for (const [start, names] of runs) {
    names
      .split(/\s+/)
      .filter(Boolean)
      .forEach((name, i) => {
        // Overlapping runs would silently rename a tag: fail at load instead.
        if (tags[start + i] !== undefined) throw new Error(`${ns}: token ${start + i} given twice`);
        tags[start + i] = name;
      });
  }
  return opaque ? { page: n, ns, tags, opaque } : { page: n, ns, tags };
}

const pages: readonly CodePage[] = [
  // MS-ASWBXML 2.1.2.1.1 Code Page 0: AirSync
  page(0, 'AirSync', [
    run(0x05, 'Sync Responses Add Change Delete Fetch SyncKey ClientId ServerId Status Collection Class'),
    run(0x12, 'CollectionId GetChanges MoreAvailable WindowSize Commands Options FilterType Truncation'),
    // 0x1A is absent from today's table; EAS 2.5 clients sent RTFTruncation there (libwbxml
    // still lists it). Kept so that old documents decode.
    run(0x1a, 'RTFTruncation'),
    run(0x1b, 'Conflict Collections ApplicationData DeletesAsMoves'),
    run(0x20, 'Supported SoftDelete MIMESupport MIMETruncation Wait Limit Partial'),
    run(0x27, 'ConversationMode MaxItems HeartbeatInterval'),
  ]),

  // MS-ASWBXML 2.1.2.1.2 Code Page 1: Contacts
  page(1, 'Contacts', [
    run(0x05, 'Anniversary AssistantName AssistantPhoneNumber Birthday Body BodySize BodyTruncated'),
    run(0x0c, 'Business2PhoneNumber BusinessAddressCity BusinessAddressCountry BusinessAddressPostalCode'),
    run(0x10, 'BusinessAddressState BusinessAddressStreet BusinessFaxNumber BusinessPhoneNumber'),
    run(0x14, 'CarPhoneNumber Categories Category Children Child CompanyName Department'),
    run(0x1b, 'Email1Address Email2Address Email3Address FileAs FirstName Home2PhoneNumber'),
    run(0x21, 'HomeAddressCity HomeAddressCountry HomeAddressPostalCode HomeAddressState HomeAddressStreet'),
    run(0x26, 'HomeFaxNumber HomePhoneNumber JobTitle LastName MiddleName MobilePhoneNumber OfficeLocation'),
    run(0x2d, 'OtherAddressCity OtherAddressCountry OtherAddressPostalCode OtherAddressState OtherAddressStreet'),
    run(0x32, 'PagerNumber RadioPhoneNumber Spouse Suffix Title WebPage'),
    run(0x38, 'YomiCompanyName YomiFirstName YomiLastName'),
    // 0x3B is absent from today's table; EAS 2.5 sent CompressedRTF there (libwbxml lists it).
    run(0x3b, 'CompressedRTF'),
    run(0x3c, 'Picture Alias WeightedRank'),
  ]),

  // MS-ASWBXML 2.1.2.1.3 Code Page 2: Email (0x05-0x0E, 0x10, 0x36-0x38 are 2.5 only)
  page(2, 'Email', [
    run(0x05, 'Attachment Attachments AttName AttSize Att0Id AttMethod'),
    run(0x0c, 'Body BodySize BodyTruncated DateReceived DisplayName DisplayTo Importance MessageClass'),
    run(0x14, 'Subject Read To Cc From ReplyTo AllDayEvent Categories Category DtStamp EndTime'),
    run(0x1f, 'InstanceType BusyStatus Location MeetingRequest Organizer RecurrenceId Reminder'),
    run(0x26, 'ResponseRequested Recurrences Recurrence Type Until Occurrences Interval DayOfWeek'),
    run(0x2e, 'DayOfMonth WeekOfMonth MonthOfYear StartTime Sensitivity TimeZone GlobalObjId ThreadTopic'),
    run(0x36, 'MIMEData MIMETruncated MIMESize InternetCPID Flag Status ContentClass FlagType CompleteTime'),
    run(0x3f, 'DisallowNewTimeProposal'),
  ]),

  // MS-ASWBXML 2.1.2.1.4 Code Page 3: AirNotify (no longer used; the spec lists no tags)
  page(3, 'AirNotify', []),

  // MS-ASWBXML 2.1.2.1.5 Code Page 4: Calendar
  page(4, 'Calendar', [
    run(0x05, 'Timezone AllDayEvent Attendees Attendee Email Name Body BodyTruncated BusyStatus'),
    run(0x0e, 'Categories Category'),
    run(0x11, 'DtStamp EndTime Exception Exceptions Deleted ExceptionStartTime Location MeetingStatus'),
    run(0x19, 'OrganizerEmail OrganizerName Recurrence Type Until Occurrences Interval DayOfWeek'),
    run(0x21, 'DayOfMonth WeekOfMonth MonthOfYear Reminder Sensitivity Subject StartTime UID'),
    run(0x29, 'AttendeeStatus AttendeeType'),
    run(0x33, 'DisallowNewTimeProposal ResponseRequested AppointmentReplyTime ResponseType CalendarType'),
    run(0x38, 'IsLeapMonth FirstDayOfWeek OnlineMeetingConfLink OnlineMeetingExternalLink ClientUid'),
  ]),

  // MS-ASWBXML 2.1.2.1.6 Code Page 5: Move
  page(5, 'Move', [run(0x05, 'MoveItems Move SrcMsgId SrcFldId DstFldId Response Status DstMsgId')]),

  // MS-ASWBXML 2.1.2.1.7 Code Page 6: GetItemEstimate (Version and DateTime are named though unused)
  page(6, 'GetItemEstimate', [
    run(0x05, 'GetItemEstimate Version Collections Collection Class CollectionId DateTime Estimate'),
    run(0x0d, 'Response Status'),
  ]),

  // MS-ASWBXML 2.1.2.1.8 Code Page 7: FolderHierarchy (Folders/Folder: GetHierarchy, 2.5-12.1)
  page(7, 'FolderHierarchy', [
    run(0x05, 'Folders Folder DisplayName ServerId ParentId Type'),
    run(0x0c, 'Status'),
    run(0x0e, 'Changes Add Delete Update SyncKey FolderCreate FolderDelete FolderUpdate FolderSync Count'),
  ]),

  // MS-ASWBXML 2.1.2.1.9 Code Page 8: MeetingResponse
  page(8, 'MeetingResponse', [
    run(0x05, 'CalendarId CollectionId MeetingResponse RequestId Request Result Status UserResponse'),
    run(0x0e, 'InstanceId'),
    run(0x10, 'ProposedStartTime ProposedEndTime SendResponse'),
  ]),

  // MS-ASWBXML 2.1.2.1.10 Code Page 9: Tasks
  page(9, 'Tasks', [
    run(0x05, 'Body BodySize BodyTruncated Categories Category Complete DateCompleted DueDate UtcDueDate'),
    run(0x0e, 'Importance Recurrence Type Start Until Occurrences Interval DayOfMonth DayOfWeek'),
    run(0x17, 'WeekOfMonth MonthOfYear Regenerate DeadOccur ReminderSet ReminderTime Sensitivity'),
    run(0x1e, 'StartDate UtcStartDate Subject'),
    run(0x22, 'OrdinalDate SubOrdinalDate CalendarType IsLeapMonth FirstDayOfWeek'),
  ]),

  // MS-ASWBXML 2.1.2.1.11 Code Page 10: ResolveRecipients
  page(
    10,
    'ResolveRecipients',
    [
      run(0x05, 'ResolveRecipients Response Status Type Recipient DisplayName EmailAddress Certificates'),
      run(0x0d, 'Certificate MiniCertificate Options To CertificateRetrieval RecipientCount MaxCertificates'),
      run(0x14, 'MaxAmbiguousRecipients CertificateCount Availability StartTime EndTime MergedFreeBusy'),
      run(0x1a, 'Picture MaxSize Data MaxPictures'),
    ],
    ['Data'],
  ),

  // MS-ASWBXML 2.1.2.1.12 Code Page 11: ValidateCert
  // CheckCRL as MS-ASCMD 2.2.3.26 names it (its ValidateCertRequest.xsd, 6.47, says CheckCrl).
  page(11, 'ValidateCert', [run(0x05, 'ValidateCert Certificates Certificate CertificateChain CheckCRL Status')]),

  // MS-ASWBXML 2.1.2.1.13 Code Page 12: Contacts2
  page(12, 'Contacts2', [
    run(0x05, 'CustomerId GovernmentId IMAddress IMAddress2 IMAddress3 ManagerName CompanyMainPhone'),
    run(0x0c, 'AccountName NickName MMS'),
  ]),

  // MS-ASWBXML 2.1.2.1.14 Code Page 13: Ping (AutdState is named though unused)
  page(13, 'Ping', [run(0x05, 'Ping AutdState Status HeartbeatInterval Folders Folder Id Class MaxFolders')]),

  // MS-ASWBXML 2.1.2.1.15 Code Page 14: Provision
  // 0x10 was DeviceEncryptionEnabled in 12.0 and was renamed RequireStorageCardEncryption from
  // 12.1; a token has one name here, so the current one (also Provision.xsd's) is kept.
  page(14, 'Provision', [
    run(0x05, 'Provision Policies Policy PolicyType PolicyKey Data Status RemoteWipe EASProvisionDoc'),
    run(0x0e, 'DevicePasswordEnabled AlphanumericDevicePasswordRequired RequireStorageCardEncryption'),
    run(0x11, 'PasswordRecoveryEnabled'),
    run(0x13, 'AttachmentsEnabled MinDevicePasswordLength MaxInactivityTimeDeviceLock'),
    run(0x16, 'MaxDevicePasswordFailedAttempts MaxAttachmentSize AllowSimpleDevicePassword'),
    run(0x19, 'DevicePasswordExpiration DevicePasswordHistory AllowStorageCard AllowCamera'),
    run(0x1d, 'RequireDeviceEncryption AllowUnsignedApplications AllowUnsignedInstallationPackages'),
    run(0x20, 'MinDevicePasswordComplexCharacters AllowWiFi AllowTextMessaging AllowPOPIMAPEmail'),
    run(0x24, 'AllowBluetooth AllowIrDA RequireManualSyncWhenRoaming AllowDesktopSync MaxCalendarAgeFilter'),
    run(0x29, 'AllowHTMLEmail MaxEmailAgeFilter MaxEmailBodyTruncationSize MaxEmailHTMLBodyTruncationSize'),
    run(0x2d, 'RequireSignedSMIMEMessages RequireEncryptedSMIMEMessages RequireSignedSMIMEAlgorithm'),
    run(0x30, 'RequireEncryptionSMIMEAlgorithm AllowSMIMEEncryptionAlgorithmNegotiation AllowSMIMESoftCerts'),
    run(0x33, 'AllowBrowser AllowConsumerEmail AllowRemoteDesktop AllowInternetSharing'),
    run(0x37, 'UnapprovedInROMApplicationList ApplicationName ApprovedApplicationList Hash'),
    run(0x3b, 'AccountOnlyRemoteWipe'),
  ]),

  // MS-ASWBXML 2.1.2.1.16 Code Page 15: Search
  page(15, 'Search', [
    run(0x05, 'Search'),
    run(0x07, 'Store Name Query Options Range Status Response Result Properties Total'),
    run(0x11, 'EqualTo Value And Or FreeText'),
    run(0x17, 'DeepTraversal LongId RebuildResults LessThan GreaterThan'),
    run(0x1e, 'UserName Password ConversationId Picture MaxSize MaxPictures'),
  ]),

  // MS-ASWBXML 2.1.2.1.17 Code Page 16: GAL
  page(
    16,
    'GAL',
    [
      run(0x05, 'DisplayName Phone Office Title Company Alias FirstName LastName HomePhone MobilePhone'),
      run(0x0f, 'EmailAddress Picture Status Data'),
    ],
    ['Data'],
  ),

  // MS-ASWBXML 2.1.2.1.18 Code Page 17: AirSyncBase
  // Content (16.x attachment upload) is a byte array: MS-ASAIRS 2.2.2.15.
  page(
    17,
    'AirSyncBase',
    [
      run(0x05, 'BodyPreference Type TruncationSize AllOrNone'),
      run(0x0a, 'Body Data EstimatedDataSize Truncated Attachments Attachment DisplayName FileReference'),
      run(0x12, 'Method ContentId ContentLocation IsInline NativeBodyType ContentType Preview'),
      run(0x19, 'BodyPartPreference BodyPart Status Add Delete ClientId Content Location Annotation'),
      run(0x22, 'Street City State Country PostalCode Latitude Longitude Accuracy Altitude'),
      run(0x2b, 'AltitudeAccuracy LocationUri InstanceId'),
    ],
    ['Content'],
  ),

  // MS-ASWBXML 2.1.2.1.19 Code Page 18: Settings
  page(18, 'Settings', [
    run(0x05, 'Settings Status Get Set Oof OofState StartTime EndTime OofMessage AppliesToInternal'),
    run(0x0f, 'AppliesToExternalKnown AppliesToExternalUnknown Enabled ReplyMessage BodyType'),
    run(0x14, 'DevicePassword Password DeviceInformation Model IMEI FriendlyName OS OSLanguage'),
    run(0x1c, 'PhoneNumber UserInformation EmailAddresses SMTPAddress UserAgent EnableOutboundSMS'),
    run(0x22, 'MobileOperator PrimarySmtpAddress Accounts Account AccountId AccountName UserDisplayName'),
    run(0x29, 'SendDisabled'),
    run(0x2b, 'RightsManagementInformation'),
  ]),

  // MS-ASWBXML 2.1.2.1.20 Code Page 19: DocumentLibrary
  page(19, 'DocumentLibrary', [run(0x05, 'LinkId DisplayName IsFolder CreationDate LastModifiedDate IsHidden ContentLength ContentType')]),

  // MS-ASWBXML 2.1.2.1.21 Code Page 20: ItemOperations
  // ConversationId is a byte array: MS-ASCON 2.2.2.3.1.
  page(
    20,
    'ItemOperations',
    [
      run(0x05, 'ItemOperations Fetch Store Options Range Total Properties Data Status Response Version'),
      run(0x10, 'Schema Part EmptyFolderContents DeleteSubFolders UserName Password Move DstFldId'),
      run(0x18, 'ConversationId MoveAlways'),
    ],
    ['ConversationId'],
  ),

  // MS-ASWBXML 2.1.2.1.22 Code Page 21: ComposeMail
  // Mime is a byte array sent "as an opaque BLOB": MS-ASCMD 2.2.3.109. 0x17/0x18 are Name and
  // Email as MS-ASCMD 2.2.3.120.3 and 2.2.3.53 name them (ComposeMail.xsd says ForwardeeName/-Email).
  page(
    21,
    'ComposeMail',
    [
      run(0x05, 'SendMail SmartForward SmartReply SaveInSentItems ReplaceMime'),
      run(0x0b, 'Source FolderId ItemId LongId InstanceId Mime ClientId Status AccountId'),
      run(0x15, 'Forwardees Forwardee Name Email'),
    ],
    ['Mime'],
  ),

  // MS-ASWBXML 2.1.2.1.23 Code Page 22: Email2
  // ConversationId and ConversationIndex are byte arrays: MS-ASCON 2.2.2.3.3 and 2.2.2.4.
  page(
    22,
    'Email2',
    [
      run(0x05, 'UmCallerID UmUserNotes UmAttDuration UmAttOrder ConversationId ConversationIndex'),
      run(0x0b, 'LastVerbExecuted LastVerbExecutionTime ReceivedAsBcc Sender CalendarType IsLeapMonth'),
      run(0x11, 'AccountId FirstDayOfWeek MeetingMessageType'),
      run(0x15, 'IsDraft Bcc Send'),
    ],
    ['ConversationId', 'ConversationIndex'],
  ),

  // MS-ASWBXML 2.1.2.1.24 Code Page 23: Notes
  page(23, 'Notes', [run(0x05, 'Subject MessageClass LastModifiedDate Categories Category')]),

  // MS-ASWBXML 2.1.2.1.25 Code Page 24: RightsManagement
  // 0x18 is RemoveRightsManagementProtection as MS-ASRM 2.2.2.11 and RightsManagement.xsd name
  // it; several WBXML tables derived from the spec spell it RemoveRightsManagementDistribution.
  page(24, 'RightsManagement', [
    run(0x05, 'RightsManagementSupport RightsManagementTemplates RightsManagementTemplate'),
    run(0x08, 'RightsManagementLicense EditAllowed ReplyAllowed ReplyAllAllowed ForwardAllowed'),
    run(0x0d, 'ModifyRecipientsAllowed ExtractAllowed PrintAllowed ExportAllowed ProgrammaticAccessAllowed'),
    run(0x12, 'Owner ContentExpiryDate TemplateID TemplateName TemplateDescription ContentOwner'),
    run(0x18, 'RemoveRightsManagementProtection'),
  ]),

  // MS-ASWBXML 2.1.2.1.26 Code Page 25: Find (16.1; the table jumps from 0x19 to 0x20)
  page(25, 'Find', [
    run(0x05, 'Find SearchId ExecuteSearch MailBoxSearchCriterion Query Status FreeText Options Range'),
    run(0x0e, 'DeepTraversal'),
    run(0x11, 'Response Result Properties Preview HasAttachments Total DisplayCc DisplayBcc'),
    run(0x19, 'GalSearchCriterion'),
    run(0x20, 'MaxPictures MaxSize Picture'),
  ]),
];

/** libwbxml prefixes the children of Recurrence: Recurrence_Type for Type. */
function recurrenceSpellings(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [`Recurrence_${n}`, n]));
}

/**
 * Other spellings of the same tokens, accepted on input: libwbxml's tables (and so every XML
 * document written with its tools) use them. Decoding always yields the MS-ASWBXML name.
 */
export const LEGACY_SPELLINGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Email: { 'Reply-To': 'ReplyTo' },
  Calendar: {
    TimeZone: 'Timezone',
    DTStamp: 'DtStamp',
    Organizer_Name: 'OrganizerName',
    Organizer_Email: 'OrganizerEmail',
    Attendee_Email: 'Email',
    Attendee_Name: 'Name',
    Attendee_Status: 'AttendeeStatus',
    Attendee_Type: 'AttendeeType',
    Exception_Deleted: 'Deleted',
    Exception_StartTime: 'ExceptionStartTime',
    ...recurrenceSpellings(['Type', 'Until', 'Occurrences', 'Interval', 'DayOfWeek', 'DayOfMonth', 'WeekOfMonth', 'MonthOfYear']),
  },
  Tasks: recurrenceSpellings([
    'Type',
    'Start',
    'Until',
    'Occurrences',
    'Interval',
    'DayOfWeek',
    'DayOfMonth',
    'WeekOfMonth',
    'MonthOfYear',
    'Regenerate',
    'DeadOccur',
  ]),
  Contacts: { Compressed_RTF: 'CompressedRTF' },
  // 0x10 was DeviceEncryptionEnabled in EAS 12.0, RequireStorageCardEncryption since 12.1.
  Provision: { DeviceEncryptionEnabled: 'RequireStorageCardEncryption' },
  ComposeMail: { MIME: 'Mime', ForwardeeName: 'Name', ForwardeeEmail: 'Email' },
  ValidateCert: { CheckCrl: 'CheckCRL' },
  RightsManagement: { RemoveRightsManagementDistribution: 'RemoveRightsManagementProtection' },
};

export const EAS_VOCABULARY: Vocabulary = {
  pages: pages.map((p) => {
    const aliases = LEGACY_SPELLINGS[p.ns];
    return aliases ? { ...p, aliases } : p;
  }),
  defaultNs: 'AirSync',
};
