// Which call an EHR request belongs to, and what a tool call must wait for before it answers.
// The FHIR client's onRequest hook knows only the tenant (server/tenant-runtime.ts), so the tool
// runtime runs each tool call inside this context: AsyncLocalStorage follows the tool's awaits
// down to the client, so the EHR-request auditor can ask for the store's call id and hand back
// its append, and the tool call answers only once those audit records are durable (P8).
import { AsyncLocalStorage } from 'node:async_hooks';

/** Answers the store's call id; lazily, as the call's session may open inside the tool call. */
export type AuditCallResolver = () => string | undefined;

type AuditCallContext = {
  readonly resolveCallId: AuditCallResolver;
  readonly pending: Set<Promise<unknown>>;
};

const storage = new AsyncLocalStorage<AuditCallContext>();

/** Runs one tool call; resolves with its answer once every audit write held for it has settled. */
export async function runInAuditCall<T>(resolveCallId: AuditCallResolver, fn: () => Promise<T>): Promise<T> {
  const context: AuditCallContext = { resolveCallId, pending: new Set() };
  const answer = await storage.run(context, fn);
  while (context.pending.size > 0) await Promise.allSettled([...context.pending]);
  return answer;
}

/** Whether a tool call is running here (its answer will wait for what holdAnswerFor is given). */
export function inAuditCall(): boolean {
  return storage.getStore() !== undefined;
}

/** The store's id of the call whose tool is running here; undefined outside a tool call. */
export function currentAuditCallId(): string | undefined {
  return storage.getStore()?.resolveCallId();
}

/** Makes the running tool call wait for `write` before it answers; nothing outside a tool call. */
export function holdAnswerFor(write: Promise<unknown>): void {
  const context = storage.getStore();
  if (context === undefined) return;
  context.pending.add(write);
  const release = () => context.pending.delete(write);
  write.then(release, release);
}
