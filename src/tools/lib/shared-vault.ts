// The PHI firewall's vault, shared through the store for calls that span gateway processes
// (issue 7 item 1: "memory, or encrypted in the store when a call spans processes"). Each process
// keeps its own firewall; every token it hands the model is also written here, sealed, before the
// answer leaves, so a process that receives the call's next tool call reveals it. Deleted when
// the call ends. Processes that never see a token of another one read nothing.
import { deleteVaultEntries, loadVaultEntries, type Store, saveVaultEntries } from '../../store/index.ts';
import { openJson, sealJson } from '../../workflows/lib/sealed-json.ts';

/** A token the firewall issued and the value it stands for. */
export type IssuedToken = { readonly token: string; readonly value: string };

export type SharedVault = {
  /** Writes tokens not written before; resolves once they are durable. */
  save(tenantId: string, callId: string, issued: readonly IssuedToken[]): Promise<void>;
  /** Every token of the call that any process issued, with its value. */
  load(tenantId: string, callId: string): Promise<ReadonlyMap<string, string>>;
  /** Destroys the call's tokens everywhere. */
  forget(tenantId: string, callId: string): Promise<void>;
};

export function createSharedVault(options: { store: Store; now: () => number }): SharedVault {
  // Tokens this process already wrote, per call: a value said twice is written once.
  const written = new Map<string, Set<string>>();
  const key = (tenantId: string, callId: string) => `${tenantId}\u0000${callId}`;

  return Object.freeze({
    async save(tenantId: string, callId: string, issued: readonly IssuedToken[]): Promise<void> {
      let seen = written.get(key(tenantId, callId));
      const fresh = issued.filter((entry) => !seen?.has(entry.token));
      if (fresh.length === 0) return;
      await saveVaultEntries(
        options.store.db,
        { tenantId, callRef: callId, now: options.now() },
        fresh.map(({ token, value }) => {
          const sealed = sealJson(value);
          return { token, valueEnc: sealed.enc, keyId: sealed.keyId };
        }),
      );
      seen ??= new Set();
      written.set(key(tenantId, callId), seen);
      for (const entry of fresh) seen.add(entry.token);
    },
    async load(tenantId: string, callId: string): Promise<ReadonlyMap<string, string>> {
      const entries = await loadVaultEntries(options.store.db, tenantId, callId);
      return new Map(entries.map((e) => [e.token, openJson<string>(e.valueEnc, e.keyId)]));
    },
    async forget(tenantId: string, callId: string): Promise<void> {
      written.delete(key(tenantId, callId));
      await deleteVaultEntries(options.store.db, tenantId, callId);
    },
  });
}
