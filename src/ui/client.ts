/**
 * The one place that chooses the engine behind the screens.
 * TEMPORARY: the stub (engine-stub.ts) until the lead wires src/sync's engine here.
 */
import type { Store } from '../store/db.ts';
import type { EngineClient } from './engine-client.ts';
import { createStubClient } from './engine-stub.ts';

export async function createClient(store: Store): Promise<EngineClient> {
  return createStubClient(store);
}
