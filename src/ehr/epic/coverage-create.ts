// Epic offers no Coverage create: Coverage is read and search only in Epic's R4
// CapabilityStatement (epic/epic-fhir-r4-capabilitystatement.json; DESIGN.md section 5
// "insurance"), so insurance goes to the staff work queue.
import type { CoverageWrite } from '../coverage-adapter.ts';
import { unsupported } from '../lib/errors.ts';

export async function createCoverageEpic(_write: CoverageWrite): Promise<{ id: string }> {
  throw unsupported('Epic offers no Coverage create: insurance is entered by staff');
}
