// Loads the FHIR R4 StructureDefinitions into @medplum/core's process-global schema, so every
// resource the gateway builds can be checked with validateResource before it is sent (issue 5
// item 3). Only the types the mapping builds are indexed. Idempotent: one load per process; the
// sandbox, when it runs in the same process, indexes the same definitions.
import { Worker } from 'node:worker_threads';
import { indexStructureDefinitionBundle } from '@medplum/core';
import type { StructureDefinition } from '@medplum/fhirtypes';
import { EhrgateError } from '../../errors.ts';

/** What the gateway builds and validates (mapping builders, Coverage, Patient, notes on Appointments). */
export const BUILT_RESOURCE_TYPES = [
  'Appointment',
  'Condition',
  'Coverage',
  'Observation',
  'Patient',
  'Communication',
  'Task',
] as const;

let loading: Promise<void> | undefined;

function readInWorker(): Promise<{ types: StructureDefinition[]; resources: StructureDefinition[] }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fhir-schema-reader.ts', import.meta.url), {
      workerData: { resourceTypes: [...BUILT_RESOURCE_TYPES] },
    });
    worker.once('message', resolve);
    worker.once('error', (error) =>
      reject(
        new EhrgateError('ERR_STARTUP', `FHIR definitions could not be read: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    worker.once('exit', (code) => {
      if (code !== 0) reject(new EhrgateError('ERR_STARTUP', `FHIR definitions reader exited with ${code}`));
    });
  });
}

/** Resolves once validateResource knows the built types; call at start-up or before the first build. */
export function loadFhirSchema(): Promise<void> {
  loading ??= readInWorker().then(({ types, resources }) => {
    indexStructureDefinitionBundle(types);
    indexStructureDefinitionBundle(resources);
  });
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
