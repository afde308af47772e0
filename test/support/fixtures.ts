// Vendor payloads from the vendors' public documentation live in shared/fixtures/vendor beside
// the repository (CI clones the repo with shared/ next to it). See that folder's README for the
// source of each file; tests cite the file they use.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VENDOR_FIXTURES = resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'vendor');

export function vendorFixturePath(relativePath: string): string {
  return join(VENDOR_FIXTURES, relativePath);
}

export function readVendorFixture<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(vendorFixturePath(relativePath), 'utf8')) as T;
}
