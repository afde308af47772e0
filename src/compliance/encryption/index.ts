export { currentDataKeyring, useDataKeyring } from './active-keyring.ts';
export type { DataKey, DataKeyring } from './keyring.ts';
export { createDataKeyring, DATA_KEY_BYTES, formatDataKeys, parseDataKeys } from './keyring.ts';
export type {
  DataKeyringSource,
  LoadDataKeyringOptions,
  LoadedDataKeyring,
} from './load-data-keyring.ts';
export { DATA_KEY_FILE, DATA_KEYS_ENV, loadDataKeyring } from './load-data-keyring.ts';
export type { ReencryptReport, SealedTable } from './reencrypt-rows.ts';
export { DEFAULT_REENCRYPT_BATCH_ROWS, keyUsage, reencryptRows } from './reencrypt-rows.ts';
export { DATA_SUBKEY_MAX_SEALS, openString, SEALED_FORMAT_VERSION, sealString } from './sealed-value.ts';
