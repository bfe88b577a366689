/**
 * EngineClient over the engine in the service worker (src/runtime/host.ts): every call is
 * one message with a MessagePort for its answer; engine events arrive on the
 * BroadcastChannel. The browser may stop the worker at any time (idle, or in the
 * middle of a call): the next message starts it again. While a call is pending the
 * page asks every `ALIVE_MS` whether the worker still works on it; if not (it was
 * restarted), the call is sent again when that is safe (reads, syncs, searches) and
 * fails otherwise (an edit may or may not have been committed; the store shows which).
 */
import type { DemoAction, DemoState } from '../demo/demo.ts';
import {
  CALL_METHODS,
  CHANNEL,
  type Broadcast,
  type CallMethod,
  type FromWorker,
  type StepKind,
  type StepResult,
  type ToWorker,
  type WireError,
} from './protocol.ts';
import {
  SetupError,
  type ClientStatus,
  type EngineClient,
  type EngineEvent,
  type SetupErrorKind,
  type SetupStep,
} from './engine-client.ts';

const ALIVE_MS = 2_000;

/** Calls that can be sent twice without harm. */
const REPEATABLE: ReadonlySet<CallMethod> = new Set([
  'discover',
  'syncNow',
  'fullResync',
  'fetchBody',
  'fetchAttachment',
  'searchMailbox',
  'openSearchHit',
  'searchGal',
  'freeBusy',
  'senderPhotos',
  'updateAccount',
  'setPassword',
  'setFolderEnabled',
  'retryOutgoing',
  'getOutOfOffice',
  'setOutOfOffice',
  'saveDraft',
  'deleteDraft',
]);

export class WorkerRestarted extends Error {
  constructor() {
    super('the service worker was restarted during the call');
    this.name = 'WorkerRestarted';
  }
}

export interface SwClient extends EngineClient {
  /** One step of the leader's schedule (see protocol.ts). */
  step(kind: StepKind): Promise<StepResult>;
  demo(action: DemoAction, user?: string): Promise<DemoState>;
}

function fromWire(e: WireError): Error {
  if (e.name === 'SetupError' && e.kind) return new SetupError(e.kind as SetupErrorKind, e.message);
  const err = Object.assign(new Error(e.message), e.kind ? { kind: e.kind } : {});
  err.name = e.name;
  return err;
}

let nextId = 0;
const newId = (): string => `${Date.now().toString(36)}-${++nextId}`;

export function createSwClient(worker: () => Promise<ServiceWorker>): SwClient {
  const listeners = new Set<(e: EngineEvent) => void>();
  const syncing = new Set<string>();
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (m: MessageEvent<Broadcast>) => {
    if (m.data.kind !== 'event') return;
    const e = m.data.event;
    if (e.type === 'sync') {
      if (e.phase === 'start') syncing.add(e.accountId);
      else syncing.delete(e.accountId);
    }
    listeners.forEach((l) => l(e));
  };
  const emitOnline = () => listeners.forEach((l) => l({ type: 'online', online: navigator.onLine }));
  addEventListener('online', emitOnline);
  addEventListener('offline', emitOnline);

  /** Posts a message and waits for its answer; `watch` polls whether the worker still has it. */
  async function send(message: ToWorker, onStep?: (s: SetupStep) => void, watch?: string): Promise<unknown> {
    const w = await worker();
    return new Promise((resolve, reject) => {
      const { port1, port2 } = new MessageChannel();
      let timer: ReturnType<typeof setInterval> | undefined;
      const finish = () => {
        clearInterval(timer);
        port1.close();
      };
      port1.onmessage = (m: MessageEvent<FromWorker>) => {
        const a = m.data;
        if (a.kind === 'setupStep') return onStep?.(a.step);
        finish();
        if (a.kind === 'done') resolve(a.value);
        else reject(fromWire(a.error));
      };
      w.postMessage(message, [port2]);
      if (watch) {
        timer = setInterval(() => {
          void send({ kind: 'alive', id: watch }).then((alive) => {
            if (alive === false) {
              finish();
              reject(new WorkerRestarted());
            }
          });
        }, ALIVE_MS);
      }
    });
  }

  async function call(method: CallMethod, args: readonly unknown[], onStep?: (s: SetupStep) => void): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const id = newId();
      try {
        return await send({ kind: 'call', id, method, args }, onStep, id);
      } catch (e) {
        if (!(e instanceof WorkerRestarted) || !REPEATABLE.has(method) || attempt >= 2) throw e;
      }
    }
  }

  void send({ kind: 'status' }).then((s) => (s as ClientStatus).syncing.forEach((id) => syncing.add(id)));

  const calls = Object.fromEntries(Object.keys(CALL_METHODS).map((m) => [m, (...args: unknown[]) => call(m as CallMethod, args)]));
  return {
    ...(calls as unknown as Omit<EngineClient, 'status' | 'subscribe'>),
    addAccount: (input, onStep) => call('addAccount', [input], onStep) as ReturnType<EngineClient['addAccount']>,
    step: async (kind) => {
      const id = newId();
      return (await send({ kind: 'step', id, step: kind }, undefined, id)) as StepResult;
    },
    demo: async (action, user) => (await send({ kind: 'demo', action, user })) as DemoState,
    status: () => ({ online: navigator.onLine, syncing: [...syncing] }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
