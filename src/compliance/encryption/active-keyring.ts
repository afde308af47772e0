// The process-wide keyring behind sealJson/openJson (workflows/lib/sealed-json.ts). Process-wide
// because every store write in every layer goes through that one seam and threading a keyring
// through each caller would touch them all; the gateway and the CLI commands that read PHI set
// it once at start-up (loadDataKeyring). Unset, values are written in plaintext with key id null,
// which unit tests of other modules rely on.
import type { DataKeyring } from './keyring.ts';

let active: DataKeyring | undefined;

/** Sets (or, with undefined, clears) the keyring every later seal and open uses. */
export function useDataKeyring(keyring: DataKeyring | undefined): void {
  active = keyring;
}

export function currentDataKeyring(): DataKeyring | undefined {
  return active;
}
