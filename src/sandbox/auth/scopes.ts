// SMART scope semantics for the sandbox: what a token endpoint grants and what a FHIR
// interaction needs.
//
// Sources: SMART App Launch 2.0.0, section "Scopes for requesting clinical data"
// (https://hl7.org/fhir/smart-app-launch/STU2/scopes-and-launch-context.html): v1 permissions
// `read | write | *`, v2 permissions are the letters `c r u d s` in that order, and v1 `read`
// corresponds to v2 `rs`, v1 `write` to `cud`, v1 `*` to `cruds`. Backend services tokens carry
// `system/` scopes only (SMART Backend Services, "Scopes"), so only those authorize FHIR calls.
// Scopes with v2 query constraints (`system/Observation.rs?category=...`) are kept as opaque
// strings: they can be registered and granted, but authorize nothing here (an assumption; the
// sandbox does not evaluate search-parameter constraints).

import { OAuthError } from './errors.ts';
import type { Personality } from './personality.ts';

export type Permission = 'c' | 'r' | 'u' | 'd' | 's';

export type ScopeStyle = 'v1' | 'v2' | 'both';

export interface ResourceScope {
  readonly context: 'system' | 'user' | 'patient';
  /** A resource type, or `*` for every type. */
  readonly resourceType: string;
  readonly style: 'v1' | 'v2';
  readonly permissions: ReadonlySet<Permission>;
}

const PERMISSION_ORDER: readonly Permission[] = ['c', 'r', 'u', 'd', 's'];

const V1_PERMISSIONS = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
} as const satisfies Record<string, readonly Permission[]>;

const V1_SCOPE = /^(system|user|patient)\/([A-Za-z]+|\*)\.(read|write|\*)$/;
const V2_SCOPE = /^(system|user|patient)\/([A-Za-z]+|\*)\.(c?r?u?d?s?)$/;

/** Parses a SMART resource scope; anything else (`openid`, constrained v2 scopes) is `undefined`. */
export function parseResourceScope(scope: string): ResourceScope | undefined {
  const v1 = V1_SCOPE.exec(scope);
  if (v1) {
    const permission = v1[3] as keyof typeof V1_PERMISSIONS;
    return {
      context: v1[1] as ResourceScope['context'],
      resourceType: v1[2],
      style: 'v1',
      permissions: new Set(V1_PERMISSIONS[permission]),
    };
  }
  const v2 = V2_SCOPE.exec(scope);
  if (v2 && v2[3] !== '') {
    return {
      context: v2[1] as ResourceScope['context'],
      resourceType: v2[2],
      style: 'v2',
      permissions: new Set(v2[3].split('') as Permission[]),
    };
  }
  return undefined;
}

export interface GrantRequest {
  /** Scopes from the `scope` form parameter; `undefined` when the parameter was absent. */
  readonly requested: readonly string[] | undefined;
  readonly allowedScopes: readonly string[];
  readonly scopeStyle: ScopeStyle;
  readonly personality: Personality;
}

/**
 * The scopes a token endpoint grants: each requested scope narrowed to what the client is
 * registered for. Without a `scope` parameter the client gets everything it is registered for
 * (RFC 6749 section 3.3 allows a pre-defined default; Epic grants an app's configured access).
 *
 * Throws `OAuthError` when a requested scope overlaps nothing the client is registered for:
 * `unauthorized_client` on the Cerner-like server, `invalid_scope` elsewhere (DESIGN.md
 * section 5). The Cerner-like server first drops v1 scopes asked for by a v2 client, granting
 * nothing for them and raising no error (DESIGN.md section 5).
 */
export function grantScopes(request: GrantRequest): string[] {
  const dropsV1 = request.personality === 'cerner' && request.scopeStyle === 'v2';
  const granted = new Set<string>();
  const refused: string[] = [];
  for (const scope of new Set(request.requested ?? request.allowedScopes)) {
    const parsed = parseResourceScope(scope);
    if (dropsV1 && parsed?.style === 'v1') continue;
    const narrowed = narrowScope(scope, parsed, request.allowedScopes);
    if (narrowed === undefined) refused.push(scope);
    else granted.add(narrowed);
  }
  if (refused.length > 0) {
    const error = request.personality === 'cerner' ? 'unauthorized_client' : 'invalid_scope';
    throw new OAuthError(error, `scope not registered for this client: ${refused.join(' ')}`);
  }
  return [...granted];
}

function narrowScope(scope: string, parsed: ResourceScope | undefined, allowed: readonly string[]) {
  if (allowed.includes(scope)) return scope;
  if (parsed === undefined) return undefined;
  const covered = new Set<Permission>();
  for (const candidate of allowed) {
    const grant = parseResourceScope(candidate);
    if (grant === undefined || grant.context !== parsed.context) continue;
    if (grant.resourceType !== '*' && grant.resourceType !== parsed.resourceType) continue;
    for (const permission of grant.permissions) covered.add(permission);
  }
  const common = PERMISSION_ORDER.filter((p) => parsed.permissions.has(p) && covered.has(p));
  if (common.length === 0) return undefined;
  if (common.length === parsed.permissions.size) return scope;
  const prefix = `${parsed.context}/${parsed.resourceType}.`;
  if (parsed.style === 'v1') {
    // Only `*` can be partly covered in v1 terms; keep the half that v1 can still express.
    if (V1_PERMISSIONS.read.every((p) => common.includes(p))) return `${prefix}read`;
    if (V1_PERMISSIONS.write.every((p) => common.includes(p))) return `${prefix}write`;
  }
  return prefix + common.join('');
}

export type Interaction =
  | 'read'
  | 'vread'
  | 'search'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'operation'
  | 'capabilities';

const INTERACTION_PERMISSION = {
  read: 'r',
  vread: 'r',
  search: 's',
  create: 'c',
  update: 'u',
  patch: 'u',
  delete: 'd',
} as const satisfies Record<Exclude<Interaction, 'operation' | 'capabilities'>, Permission>;

// Operations are not covered by SMART's letters; the sandbox maps each to the interaction it
// performs. $find (Epic STU3 Appointment.$find, Argonaut OperationDefinition-appointment-find)
// only proposes appointments: a search. $book and $hold (Argonaut
// OperationDefinition-appointment-book / -hold) create an appointment. Patient/$match (FHIR R4
// patient-operation-match) is a search. $everything returns existing data: a read.
const OPERATION_PERMISSION: Readonly<Record<string, Permission>> = {
  find: 's',
  book: 'c',
  hold: 'c',
  match: 's',
  everything: 'r',
};

export interface PermissionRequest {
  readonly interaction: Interaction;
  /** Operation name without `$`, for `interaction: 'operation'`. */
  readonly operation?: string;
  /** HTTP method, used for operations the table above does not know. */
  readonly method?: string;
}

/**
 * The permission an interaction needs, or `undefined` when it needs none: the
 * CapabilityStatement is public on both vendors (FHIR R4 http.html#capabilities; Epic and Cerner
 * serve `/metadata` without a token). An unknown operation is treated as a read when sent with
 * GET and as a create otherwise (assumption: an unknown POST operation may change data).
 */
export function requiredPermission(request: PermissionRequest): Permission | undefined {
  const { interaction } = request;
  if (interaction === 'capabilities') return undefined;
  if (interaction !== 'operation') return INTERACTION_PERMISSION[interaction];
  const known = request.operation === undefined ? undefined : OPERATION_PERMISSION[request.operation];
  if (known !== undefined) return known;
  const method = request.method?.toUpperCase();
  return method === 'GET' || method === 'HEAD' ? 'r' : 'c';
}

/**
 * Whether `system/` scopes grant `permission` on `resourceType`. A call with no resource type
 * (system-level search or operation) needs a `system/*` scope.
 */
export function scopesPermit(
  scopes: readonly string[],
  resourceType: string | undefined,
  permission: Permission,
): boolean {
  return scopes.some((scope) => {
    const parsed = parseResourceScope(scope);
    if (parsed === undefined || parsed.context !== 'system') return false;
    if (parsed.resourceType !== '*' && parsed.resourceType !== resourceType) return false;
    return parsed.permissions.has(permission);
  });
}

/** The scope(s) that would have allowed the call, in the client's style, for `WWW-Authenticate`. */
export function describeRequiredScope(
  resourceType: string | undefined,
  permission: Permission,
  style: ScopeStyle,
): string {
  const prefix = `system/${resourceType ?? '*'}.`;
  const v1 = prefix + (V1_PERMISSIONS.read.some((p) => p === permission) ? 'read' : 'write');
  const v2 = prefix + permission;
  if (style === 'v1') return v1;
  if (style === 'v2') return v2;
  return `${v2} ${v1}`;
}
