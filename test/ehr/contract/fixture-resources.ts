// Every Slot, Schedule and Appointment in the vendor fixtures (fixtures/vendor/README.md), found
// wherever it sits: a bare resource, a Bundle entry, or a search entry wrapped once more as in
// cerner/R4_APPOINTMENT_BUNDLE.json.
import { readdirSync } from 'node:fs';
import type { Resource } from '@medplum/fhirtypes';
import { readVendorFixture, vendorFixturePath } from '../../support/fixtures.ts';

export type FoundResource = { file: string; resource: Resource };

function collect(value: unknown, types: ReadonlySet<string>, file: string, out: FoundResource[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, types, file, out);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const type = (value as { resourceType?: unknown }).resourceType;
  if (typeof type === 'string' && types.has(type)) out.push({ file, resource: value as Resource });
  for (const child of Object.values(value)) collect(child, types, file, out);
}

export function fixtureFiles(folders: readonly string[]): string[] {
  return folders.flatMap((folder) =>
    readdirSync(vendorFixturePath(folder))
      .filter((name) => name.endsWith('.json'))
      .map((name) => `${folder}/${name}`),
  );
}

export function fixtureResources(
  types: readonly string[],
  folders = ['cerner', 'argonaut', 'ihe'],
): FoundResource[] {
  const wanted = new Set(types);
  const out: FoundResource[] = [];
  for (const file of fixtureFiles(folders)) collect(readVendorFixture(file), wanted, file, out);
  return out;
}
