/**
 * Word pools for the seeded demo data, in Japanese and English.
 */

export interface Person {
  readonly first: string;
  readonly last: string;
  /** Reading of a Japanese name (Contacts YomiFirstName/YomiLastName). */
  readonly yomiFirst?: string;
  readonly yomiLast?: string;
  /** ASCII form used for the address. */
  readonly ascii: string;
}

export const JA_PEOPLE: readonly Person[] = [
  { first: '健', last: '佐藤', yomiFirst: 'けん', yomiLast: 'さとう', ascii: 'ken.sato' },
  { first: '花子', last: '鈴木', yomiFirst: 'はなこ', yomiLast: 'すずき', ascii: 'hanako.suzuki' },
  { first: '翔太', last: '高橋', yomiFirst: 'しょうた', yomiLast: 'たかはし', ascii: 'shota.takahashi' },
  { first: '美咲', last: '田中', yomiFirst: 'みさき', yomiLast: 'たなか', ascii: 'misaki.tanaka' },
  { first: '大輔', last: '伊藤', yomiFirst: 'だいすけ', yomiLast: 'いとう', ascii: 'daisuke.ito' },
  { first: '陽菜', last: '渡辺', yomiFirst: 'ひな', yomiLast: 'わたなべ', ascii: 'hina.watanabe' },
  { first: '蓮', last: '山本', yomiFirst: 'れん', yomiLast: 'やまもと', ascii: 'ren.yamamoto' },
  { first: '結衣', last: '中村', yomiFirst: 'ゆい', yomiLast: 'なかむら', ascii: 'yui.nakamura' },
  { first: '拓海', last: '小林', yomiFirst: 'たくみ', yomiLast: 'こばやし', ascii: 'takumi.kobayashi' },
  { first: '葵', last: '加藤', yomiFirst: 'あおい', yomiLast: 'かとう', ascii: 'aoi.kato' },
  { first: '悠真', last: '吉田', yomiFirst: 'ゆうま', yomiLast: 'よしだ', ascii: 'yuma.yoshida' },
  { first: 'さくら', last: '山田', yomiFirst: 'さくら', yomiLast: 'やまだ', ascii: 'sakura.yamada' },
  { first: '直樹', last: '松本', yomiFirst: 'なおき', yomiLast: 'まつもと', ascii: 'naoki.matsumoto' },
  { first: '優子', last: '井上', yomiFirst: 'ゆうこ', yomiLast: 'いのうえ', ascii: 'yuko.inoue' },
];

export const EN_PEOPLE: readonly Person[] = [
  { first: 'Emma', last: 'Schmidt', ascii: 'emma.schmidt' },
  { first: 'Liam', last: 'Walker', ascii: 'liam.walker' },
  { first: 'Olivia', last: 'Becker', ascii: 'olivia.becker' },
  { first: 'Noah', last: 'Johnson', ascii: 'noah.johnson' },
  { first: 'Sophia', last: 'Müller', ascii: 'sophia.mueller' },
  { first: 'Mason', last: 'Brown', ascii: 'mason.brown' },
  { first: 'Mia', last: 'Fischer', ascii: 'mia.fischer' },
  { first: 'Lucas', last: 'Garcia', ascii: 'lucas.garcia' },
  { first: 'Amelia', last: 'Weber', ascii: 'amelia.weber' },
  { first: 'Ethan', last: 'Miller', ascii: 'ethan.miller' },
  { first: 'Harper', last: 'Davis', ascii: 'harper.davis' },
  { first: 'Jonas', last: 'Wagner', ascii: 'jonas.wagner' },
  { first: 'Chloe', last: 'Wilson', ascii: 'chloe.wilson' },
  { first: 'Felix', last: 'Hoffmann', ascii: 'felix.hoffmann' },
];

export const COMPANIES = ['株式会社サンプル', 'Contoso Ltd.', '東都システム', 'Fabrikam GmbH', 'Northwind Traders', '桜商事'];
export const TITLES = ['エンジニア', 'Product Manager', '営業部長', 'Designer', 'マネージャー', 'Consultant', 'Analyst'];
export const CITIES: readonly (readonly [string, string])[] = [
  ['東京', '日本'],
  ['大阪', '日本'],
  ['Berlin', 'Germany'],
  ['New York', 'USA'],
  ['München', 'Germany'],
  ['横浜', '日本'],
];

export const JA_SUBJECTS = [
  '来週の打ち合わせについて',
  '見積書送付のご案内',
  '【重要】システムメンテナンスのお知らせ',
  'プロジェクト進捗報告',
  '資料のご確認のお願い',
  '出張の件',
  'お疲れ様です',
  '議事録の共有',
  '新製品リリースについて',
  '請求書の件',
  '歓迎会のご案内',
  'ご相談',
  '契約更新について',
  'デザイン案の確認',
  '週報',
];

export const EN_SUBJECTS = [
  'Quarterly planning',
  'Re: Budget draft',
  'Invoice #4821',
  'Lunch on Friday?',
  'Design review notes',
  'Your order has shipped',
  'Weekly newsletter',
  'Release 2.4 checklist',
  'Travel itinerary',
  'Welcome aboard!',
  'Contract renewal',
  'Minutes: steering committee',
  'Security advisory',
  'Offsite agenda',
  'Feedback request',
];

export const JA_LINES = [
  'いつもお世話になっております。',
  'ご確認のほど、よろしくお願いいたします。',
  '添付の資料をご覧ください。',
  '来週の火曜日はご都合いかがでしょうか。',
  '詳細は以下のとおりです。',
  'ご不明な点がございましたらお知らせください。',
  '引き続きよろしくお願いいたします。',
  '先日はありがとうございました。',
];

export const EN_LINES = [
  'Thanks for the quick turnaround on this.',
  'Please find the details below.',
  'Let me know if Tuesday works for you.',
  'I have attached the latest version.',
  'We should finalise this before the end of the month.',
  'Happy to discuss in our next sync.',
  'Looking forward to your feedback.',
  'Best regards,',
];

export const EVENT_TITLES = [
  '定例ミーティング',
  'Design review',
  '顧客訪問',
  '1:1',
  'Sprint planning',
  'ランチ',
  'Dentist',
  '研修',
  'Quarterly business review',
  '歯医者',
  'Conference call with Berlin',
  '飲み会',
  'Release retrospective',
  'Yoga',
];

export const LOCATIONS = ['会議室A', 'Room 4.12', 'Zoom', '本社 3F', 'Café Einstein', 'Teams', '新宿オフィス', 'Conference room B'];

export const TASK_TITLES = [
  '経費精算',
  'Review pull request',
  '見積書作成',
  'Book flights',
  '議事録まとめ',
  'Renew passport',
  '資料準備',
  'Call the bank',
  'プレゼン練習',
  'Update roadmap',
  '年賀状',
  'Pay invoice',
];

export const NOTE_TITLES = ['買い物リスト', 'Ideas for the offsite', 'Wi-Fi パスワード', 'Book list', '旅行メモ'];

export const CATEGORIES = ['仕事', 'Personal', 'Important', 'プロジェクト', 'Travel'];

export const NEWSLETTERS: readonly (readonly [string, string])[] = [
  ['Tech Weekly', 'news@techweekly.example.com'],
  ['技術ニュース', 'info@gijutsu.example.jp'],
  ['Travel Deals', 'deals@travel.example.com'],
];

export const SHOPS: readonly (readonly [string, string])[] = [
  ['Online Shop', 'orders@shop.example.com'],
  ['ブックストア', 'support@books.example.jp'],
];
