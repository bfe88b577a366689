/**
 * The few service-worker types we use. The project compiles against the DOM library,
 * which cannot be combined with TypeScript's "webworker" library in one program, so
 * these are declared here from the Service Workers and Background Sync specs.
 */

/** Service Workers §4.4 ExtendableEvent. */
export interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}

/** Service Workers §4.6 ExtendableMessageEvent. */
export interface ExtendableMessageEvent extends ExtendableEvent {
  readonly data: unknown;
  readonly ports: readonly MessagePort[];
  readonly source: { readonly id: string } | null;
}

/** Service Workers §4.5 FetchEvent. */
export interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): void;
}

/** Web Background Synchronization §4 SyncEvent. */
export interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
  readonly lastChance: boolean;
}

/** Web Background Synchronization §3 SyncManager (Chromium only). */
export interface SyncManager {
  register(tag: string): Promise<void>;
  getTags(): Promise<string[]>;
}

/** Push API §11.2 PushMessageData (the decrypted payload). */
export interface PushMessageData {
  text(): string;
}

/** Push API §11.3 PushEvent. */
export interface PushEvent extends ExtendableEvent {
  readonly data: PushMessageData | null;
}

/** Push API §11.5 PushSubscriptionChangeEvent (the browser renewed or lost the subscription). */
export interface PushSubscriptionChangeEvent extends ExtendableEvent {
  readonly newSubscription: PushSubscription | null;
  readonly oldSubscription: PushSubscription | null;
}

/** Notifications API §3.3 NotificationEvent. */
export interface NotificationEvent extends ExtendableEvent {
  readonly notification: Notification;
  readonly action: string;
}

export interface WindowClientLike {
  readonly id: string;
  readonly url: string;
  readonly focused: boolean;
  postMessage(message: unknown): void;
  focus(): Promise<unknown>;
}

export interface ServiceWorkerGlobal {
  readonly registration: ServiceWorkerRegistration & { readonly sync?: SyncManager };
  readonly clients: {
    claim(): Promise<void>;
    matchAll(options?: { type?: 'window' | 'worker' | 'all'; includeUncontrolled?: boolean }): Promise<readonly WindowClientLike[]>;
    openWindow(url: string): Promise<unknown>;
  };
  readonly location: Location;
  readonly navigator: Navigator;
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'sync', listener: (event: SyncEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEvent) => void): void;
  addEventListener(type: 'push', listener: (event: PushEvent) => void): void;
  addEventListener(type: 'pushsubscriptionchange', listener: (event: PushSubscriptionChangeEvent) => void): void;
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
}
