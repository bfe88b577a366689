/**
 * The texts of notifications (new mail, reminders). The service worker raises them too, so
 * they live apart from the screens' catalogs: the worker carries these few, not every
 * screen's words in two languages (issue #13, the worker's size). en.ts and ja.ts include them.
 */
export const enNotices = {
  'cal.allDay': 'All day',
  'settings.newMail': 'New mail from {from}',
  'notify.many': '{count} new messages',
  'notify.andMore': ' and {count} more',
  'notify.noSubject': '(no subject)',
  'notify.upToDate': 'No new mail',
  'notify.checkFailed': 'New mail could not be fetched',
  'remind.taskDue': 'Task due {date}',
  'remind.task': 'Task reminder',
};

export const jaNotices: Record<keyof typeof enNotices, string> = {
  'cal.allDay': '終日',
  'settings.newMail': '{from} から新着メール',
  'notify.many': '新着メッセージ {count} 件',
  'notify.andMore': ' ほか {count} 人',
  'notify.noSubject': '(件名なし)',
  'notify.upToDate': '新着メールはありません',
  'notify.checkFailed': '新着メールを取得できませんでした',
  'remind.taskDue': 'タスクの期限: {date}',
  'remind.task': 'タスクのリマインダー',
};
