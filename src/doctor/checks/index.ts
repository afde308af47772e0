// The checks in the order they run (issue 8: reachability, discovery, token, scope matrix,
// capabilities, scheduling probe, mapping probe, write test, compliance). A check runs after
// every check it depends on, which this order guarantees.
import type { Check } from '../types.ts';
import { capabilitiesCheck } from './capabilities.ts';
import { complianceCheck } from './compliance.ts';
import { discoveryCheck } from './discovery.ts';
import { mappingCheck } from './mapping.ts';
import { reachabilityCheck } from './reachability.ts';
import { schedulingProbeCheck } from './scheduling-probe.ts';
import { scopesCheck } from './scopes.ts';
import { tokenCheck } from './token.ts';
import { writeTestCheck } from './write-test.ts';

export const CHECKS: readonly Check[] = [
  reachabilityCheck,
  discoveryCheck,
  tokenCheck,
  scopesCheck,
  capabilitiesCheck,
  schedulingProbeCheck,
  mappingCheck,
  writeTestCheck,
  complianceCheck,
];
