// SMART scopes: parsing, equivalence between the v1 and v2 syntaxes, the workflow scope matrix
// and readiness (DESIGN.md promise P5: no silent scope failure).
//
// Syntax (SMART App Launch 2.0.0, "Scopes and Launch Context", "Scopes for requesting FHIR
// resources"): v2 is `context/Type.cruds` with the permissions a subset of c r u d s in that
// order, optionally followed by `?param=value` (granular scopes, which grant only the matching
// resources). v1 is `context/Type.read|write|*`; the spec's equivalence, used throughout:
// v1 `read` = v2 `rs`, v1 `write` = v2 `cud`, v1 `*` = v2 `cruds`. `*` as the type matches any type.
// Cerner speaks v2 only and drops v1 scopes for v2 clients; Epic speaks v1 (DESIGN.md section 5).

export type ScopeContext = 'patient' | 'user' | 'system';
export type Interaction = 'c' | 'r' | 'u' | 'd' | 's';
export type ScopeStyle = 'v1' | 'v2';

/** Canonical order of v2 permissions. */
export const INTERACTIONS: readonly Interaction[] = ['c', 'r', 'u', 'd', 's'];

export const V1_PERMISSIONS = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
} as const satisfies Record<string, readonly Interaction[]>;

export interface ResourceScope {
  raw: string;
  context: ScopeContext;
  /** A FHIR resource type, or `*` for every type. */
  resourceType: string;
  /** In canonical c r u d s order. */
  interactions: Interaction[];
  style: ScopeStyle;
  /** Granular filter (`category=...`) without the `?`; such a scope grants only part of the type. */
  filter?: string;
}

export interface ParsedScopes {
  resource: ResourceScope[];
  /** Non-resource scopes such as `openid`, `fhirUser`, `launch/patient`, `offline_access`. */
  other: string[];
  /** Strings that look like resource scopes but do not parse. */
  invalid: string[];
}

const V1_PATTERN = /^(patient|user|system)\/([A-Z][A-Za-z]*|\*)\.(read|write|\*)$/;
const V2_PATTERN = /^(patient|user|system)\/([A-Z][A-Za-z]*|\*)\.([cruds]+)(?:\?(.+))?$/;
const LOOKS_LIKE_RESOURCE_SCOPE = /^(patient|user|system)\//;

function ordered(interactions: Iterable<Interaction>): Interaction[] {
  const set = new Set(interactions);
  return INTERACTIONS.filter((interaction) => set.has(interaction));
}

export function parseScope(raw: string): ResourceScope | undefined {
  const v1 = V1_PATTERN.exec(raw);
  if (v1 !== null) {
    return {
      raw,
      context: v1[1] as ScopeContext,
      resourceType: v1[2],
      interactions: [...V1_PERMISSIONS[v1[3] as keyof typeof V1_PERMISSIONS]],
      style: 'v1',
    };
  }
  const v2 = V2_PATTERN.exec(raw);
  if (v2 !== null) {
    const scope: ResourceScope = {
      raw,
      context: v2[1] as ScopeContext,
      resourceType: v2[2],
      interactions: ordered(v2[3].split('') as Interaction[]),
      style: 'v2',
    };
    if (v2[4] !== undefined) scope.filter = v2[4];
    return scope;
  }
  return undefined;
}

/** Parses a space-separated scope string (as in a token response) or a list of scopes. */
export function parseScopes(input: string | readonly string[]): ParsedScopes {
  const list = typeof input === 'string' ? input.split(/\s+/) : input;
  const result: ParsedScopes = { resource: [], other: [], invalid: [] };
  for (const raw of list) {
    if (raw.length === 0) continue;
    const scope = parseScope(raw);
    if (scope !== undefined) result.resource.push(scope);
    else if (LOOKS_LIKE_RESOURCE_SCOPE.test(raw)) result.invalid.push(raw);
    else result.other.push(raw);
  }
  return result;
}

function toParsed(input: string | readonly string[] | ParsedScopes): ParsedScopes {
  return typeof input === 'string' || Array.isArray(input)
    ? parseScopes(input as string | readonly string[])
    : (input as ParsedScopes);
}

/** The v1 scope(s) or the v2 scope naming exactly these interactions on one type. */
export function formatScopes(
  context: ScopeContext,
  resourceType: string,
  interactions: readonly Interaction[],
  style: ScopeStyle,
): string[] {
  const wanted = ordered(interactions);
  if (wanted.length === 0) return [];
  if (style === 'v2') return [`${context}/${resourceType}.${wanted.join('')}`];
  const out: string[] = [];
  if (wanted.some((i) => i === 'r' || i === 's')) out.push(`${context}/${resourceType}.read`);
  if (wanted.some((i) => i === 'c' || i === 'u' || i === 'd')) out.push(`${context}/${resourceType}.write`);
  return out;
}

/** The same access in the other syntax (v1 -> v2 merges read+write into one scope per type). */
export function convertScopes(scopes: readonly string[], style: ScopeStyle): string[] {
  const parsed = parseScopes(scopes);
  const merged = new Map<string, { context: ScopeContext; type: string; set: Set<Interaction> }>();
  const out: string[] = [];
  for (const scope of parsed.resource) {
    if (scope.filter !== undefined) {
      // a granular filter has no v1 form; keep it as it is
      out.push(scope.raw);
      continue;
    }
    const key = `${scope.context}/${scope.resourceType}`;
    const entry = merged.get(key) ?? { context: scope.context, type: scope.resourceType, set: new Set() };
    for (const interaction of scope.interactions) entry.set.add(interaction);
    merged.set(key, entry);
  }
  for (const entry of merged.values())
    out.push(...formatScopes(entry.context, entry.type, [...entry.set], style));
  return [...out, ...parsed.other];
}

export interface Coverage {
  /** Interactions no grant gives. */
  missing: Interaction[];
  /** Interactions only granular (filtered) grants give: they work for some resources only. */
  partial: Interaction[];
  /** The filtered grants behind `partial`. */
  partialGrants: string[];
}

/** Which of `interactions` on `context/resourceType` the granted scopes cover. */
export function coverage(
  granted: string | readonly string[] | ParsedScopes,
  context: ScopeContext,
  resourceType: string,
  interactions: readonly Interaction[],
): Coverage {
  const grants = toParsed(granted).resource.filter(
    (scope) =>
      scope.context === context && (scope.resourceType === resourceType || scope.resourceType === '*'),
  );
  const result: Coverage = { missing: [], partial: [], partialGrants: [] };
  for (const interaction of ordered(interactions)) {
    const giving = grants.filter((scope) => scope.interactions.includes(interaction));
    if (giving.some((scope) => scope.filter === undefined)) continue;
    if (giving.length === 0) {
      result.missing.push(interaction);
    } else {
      result.partial.push(interaction);
      for (const scope of giving)
        if (!result.partialGrants.includes(scope.raw)) result.partialGrants.push(scope.raw);
    }
  }
  return result;
}

/**
 * The required scopes not fully granted, each named in the required scope's own syntax: a v1
 * `write` stays `write` (all of c, u, d), a v2 `crus` missing create is named `.c`. Only filtered
 * grants do not count as granted here; `scopeCoverage` says which are partial.
 */
export function missingScopes(
  granted: string | readonly string[] | ParsedScopes,
  required: string | readonly string[],
): string[] {
  const out: string[] = [];
  for (const gap of scopeCoverage(granted, required)) out.push(...gap.missing);
  return [...new Set(out)];
}

export interface ScopeGap {
  required: string;
  missing: string[];
  partial: string[];
  partialGrants: string[];
}

/** Per required scope: what is missing and what is granted only through granular filters. */
export function scopeCoverage(
  granted: string | readonly string[] | ParsedScopes,
  required: string | readonly string[],
): ScopeGap[] {
  const grants = toParsed(granted);
  const gaps: ScopeGap[] = [];
  const requiredParsed = parseScopes(typeof required === 'string' ? required : required);
  for (const scope of requiredParsed.resource) {
    const c = coverage(grants, scope.context, scope.resourceType, scope.interactions);
    const missing =
      scope.style === 'v1' && c.missing.length > 0
        ? [scope.raw]
        : formatScopes(scope.context, scope.resourceType, c.missing, scope.style);
    const partial = formatScopes(scope.context, scope.resourceType, c.partial, scope.style);
    if (missing.length > 0 || partial.length > 0) {
      gaps.push({ required: scope.raw, missing, partial, partialGrants: c.partialGrants });
    }
  }
  const grantedOther = new Set(grants.other);
  for (const other of [...requiredParsed.other, ...requiredParsed.invalid]) {
    if (!grantedOther.has(other))
      gaps.push({ required: other, missing: [other], partial: [], partialGrants: [] });
  }
  return gaps;
}

export const WORKFLOWS = ['scheduling', 'identity', 'intake', 'insurance', 'routing'] as const;
export type Workflow = (typeof WORKFLOWS)[number];
export type ScopeMatrix = Readonly<Record<Workflow, Readonly<Record<string, readonly Interaction[]>>>>;

/**
 * Workflow -> resource -> interactions. Every resource a workflow writes also needs `s`: the
 * verified write searches by its idempotency identifier before any resend, and `r` to read back
 * (DESIGN.md section 4). Routing hands calls to a phone queue and the gateway's own work queue,
 * so it needs no EHR access; a deployment that writes Communication or Task passes its own matrix.
 */
export const SCOPE_MATRIX: ScopeMatrix = {
  scheduling: { Slot: ['r', 's'], Schedule: ['r', 's'], Appointment: ['c', 'r', 'u', 's'], Patient: ['r'] },
  identity: { Patient: ['c', 'r', 's'] },
  intake: { Condition: ['c', 'r', 's'], Observation: ['c', 'r', 's'], Appointment: ['u'] },
  insurance: { Coverage: ['c', 'r', 's'], Organization: ['r', 's'] },
  routing: {},
};

// The plain-R4 adapter claims a Slot with an update before booking (ehr/fhir-r4/slot-claim.ts:
// PUT Slot with If-Match), so scheduling there needs Slot update too; Epic books through $book
// and Cerner marks the slot busy itself.
const FHIR_R4_MATRIX: ScopeMatrix = {
  ...SCOPE_MATRIX,
  scheduling: { ...SCOPE_MATRIX.scheduling, Slot: ['r', 'u', 's'] },
};

/** The matrix of what the vendor's adapter does: SCOPE_MATRIX plus each adapter's own needs. */
export function scopeMatrixFor(vendor: 'epic' | 'cerner' | 'fhir-r4'): ScopeMatrix {
  return vendor === 'fhir-r4' ? FHIR_R4_MATRIX : SCOPE_MATRIX;
}

export interface MatrixOptions {
  matrix?: ScopeMatrix;
  /** Backend services use `system`. */
  context?: ScopeContext;
}

function requiredInteractions(
  workflows: readonly Workflow[],
  matrix: ScopeMatrix,
): Map<string, Set<Interaction>> {
  const byType = new Map<string, Set<Interaction>>();
  for (const workflow of workflows) {
    for (const [type, interactions] of Object.entries(matrix[workflow])) {
      const set = byType.get(type) ?? new Set<Interaction>();
      for (const interaction of interactions) set.add(interaction);
      byType.set(type, set);
    }
  }
  return new Map([...byType.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** The exact scope strings to ask the EHR team for, sorted by resource type. */
export function requiredScopes(
  workflows: readonly Workflow[],
  style: ScopeStyle,
  options: MatrixOptions = {},
): string[] {
  const context = options.context ?? 'system';
  const out: string[] = [];
  for (const [type, set] of requiredInteractions(workflows, options.matrix ?? SCOPE_MATRIX)) {
    out.push(...formatScopes(context, type, [...set], style));
  }
  return out;
}

export interface WorkflowReadiness {
  workflow: Workflow;
  ready: boolean;
  /** Scopes to ask the EHR team for, in the syntax the granted scopes use. */
  missing: string[];
  /** Granted only through granular filters: writes outside the filter will be refused. */
  partial: string[];
  notes: string[];
}

/** The syntax a set of scopes is written in: the v1/v2 form of its resource scopes. */
export function scopeStyleOf(
  scopes: string | readonly string[] | ParsedScopes,
): ScopeStyle | 'mixed' | 'none' {
  const styles = new Set(toParsed(scopes).resource.map((scope) => scope.style));
  if (styles.size === 0) return 'none';
  if (styles.size === 2) return 'mixed';
  return styles.has('v1') ? 'v1' : 'v2';
}

/**
 * Per workflow: ready only when every needed interaction is granted without a filter. Missing
 * scopes are named in `style`, by default the syntax of the granted scopes (v2 when mixed).
 */
export function workflowReadiness(
  granted: string | readonly string[] | ParsedScopes,
  workflows: readonly Workflow[],
  options: MatrixOptions & { style?: ScopeStyle } = {},
): WorkflowReadiness[] {
  const grants = toParsed(granted);
  const detected = scopeStyleOf(grants);
  const style = options.style ?? (detected === 'v1' ? 'v1' : 'v2');
  const context = options.context ?? 'system';
  const matrix = options.matrix ?? SCOPE_MATRIX;
  return workflows.map((workflow) => {
    const missing: string[] = [];
    const partial: string[] = [];
    const notes: string[] = [];
    for (const [type, set] of requiredInteractions([workflow], matrix)) {
      const c = coverage(grants, context, type, [...set]);
      missing.push(...formatScopes(context, type, c.missing, style));
      const partialNames = formatScopes(context, type, c.partial, style);
      partial.push(...partialNames);
      if (partialNames.length > 0) {
        notes.push(
          `${partialNames.join(' ')} is granted only as ${c.partialGrants.join(' ')}: requests outside ` +
            'that filter will be refused',
        );
      }
    }
    if (missing.length > 0) notes.push(`ask the EHR team to grant ${missing.join(' ')}`);
    return { workflow, ready: missing.length === 0 && partial.length === 0, missing, partial, notes };
  });
}

export interface ScopeStyleMismatch {
  requestedStyle: ScopeStyle;
  /** What the server speaks, as far as we can tell. */
  serverStyles: ScopeStyle[];
  evidence: 'capabilities' | 'scopes_supported' | 'granted scopes';
  message: string;
  fix: string;
}

/**
 * Requested v1 scopes from a server that speaks only v2 (or the reverse). Evidence, strongest
 * first: the granted scopes of a token response, the SMART `permission-v1`/`permission-v2`
 * capabilities, then the syntax of `scopes_supported`. Epic's document lists no resource scopes
 * (fixture epic/epic-fhir-r4-smart-configuration.json), so absence proves nothing.
 */
export function detectScopeStyleMismatch(input: {
  requested: readonly string[];
  scopesSupported?: readonly string[];
  capabilities?: readonly string[];
  granted?: readonly string[];
}): ScopeStyleMismatch | undefined {
  const requestedStyle = scopeStyleOf(input.requested);
  if (requestedStyle !== 'v1' && requestedStyle !== 'v2') return undefined;
  const other: ScopeStyle = requestedStyle === 'v1' ? 'v2' : 'v1';
  const converted = convertScopes(
    parseScopes(input.requested).resource.map((s) => s.raw),
    other,
  ).join(' ');
  const fix = `request the same access in SMART ${other} syntax: ${converted}`;

  if (input.granted !== undefined && requestedStyle === 'v1') {
    const grantedStyle = scopeStyleOf(input.granted);
    if (grantedStyle === 'none' || grantedStyle === 'v2') {
      return {
        requestedStyle,
        serverStyles: ['v2'],
        evidence: 'granted scopes',
        message:
          grantedStyle === 'none'
            ? 'the server granted none of the requested v1 resource scopes (v2-only servers drop them)'
            : 'the server answered v1 scopes with v2 scopes',
        fix,
      };
    }
  }

  const capabilityStyles = (input.capabilities ?? []).flatMap((capability): ScopeStyle[] =>
    capability === 'permission-v1' ? ['v1'] : capability === 'permission-v2' ? ['v2'] : [],
  );
  let serverStyles: ScopeStyle[];
  let evidence: ScopeStyleMismatch['evidence'];
  if (capabilityStyles.length > 0) {
    serverStyles = capabilityStyles;
    evidence = 'capabilities';
  } else {
    const supported = scopeStyleOf(input.scopesSupported ?? []);
    if (supported === 'none') return undefined;
    serverStyles = supported === 'mixed' ? ['v1', 'v2'] : [supported];
    evidence = 'scopes_supported';
  }
  if (serverStyles.includes(requestedStyle)) return undefined;
  return {
    requestedStyle,
    serverStyles,
    evidence,
    message: `requested SMART ${requestedStyle} scopes but the server's ${evidence} say it speaks only ${serverStyles.join(', ')}`,
    fix,
  };
}
