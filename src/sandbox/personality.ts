// What a FHIR "personality" of the sandbox is: a base URL with its own rules (the generic R4
// server at /fhir/R4 now; Epic-like /api/FHIR/R4 and /api/FHIR/STU3 and Cerner-like
// /r4/{tenant} next), all sharing one store, one set of faults and the same CRUD routes.
// A personality file (personalities/*.ts) is data plus small hooks; mountFhirPersonality
// (fhir-routes.ts) turns it into Fastify routes.

import type { CapabilityStatement, Resource } from '@medplum/fhirtypes';
import type { FastifyRequest } from 'fastify';
import type { FhirStore } from './fhir-store.ts';

/** The FHIR interactions the shared CRUD routes implement (R4 http.html). */
export type FhirInteraction = 'read' | 'vread' | 'search' | 'create' | 'update' | 'patch' | 'delete';

export const ALL_INTERACTIONS: readonly FhirInteraction[] = [
  'read',
  'vread',
  'search',
  'create',
  'update',
  'patch',
  'delete',
];

export const READ_ONLY_INTERACTIONS: readonly FhirInteraction[] = ['read', 'vread', 'search'];

/** The vocabulary of the sandbox authorization server (src/sandbox/auth/scopes.ts `Interaction`). */
export type AuthorizeInteraction = FhirInteraction | 'operation' | 'capabilities';

export interface AuthorizeContext {
  /** `r4`, `epic`, `cerner`. */
  readonly personality: string;
  /** Absent for system-level calls (metadata, a system operation). */
  readonly resourceType?: string;
  readonly interaction: AuthorizeInteraction;
  /** Operation name without `$`, for `interaction: 'operation'`. */
  readonly operation?: string;
  readonly method: string;
}

export type AuthorizeResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body: unknown;
    };

/**
 * THE AUTH HOOK: called once for every FHIR request (before its body is parsed), with what the
 * request is about to do. The sandbox authorization server (src/sandbox/auth/) plugs in here;
 * without it everything is allowed.
 */
export type AuthorizeHook = (request: FastifyRequest, context: AuthorizeContext) => Promise<AuthorizeResult>;

export interface ResourceSupport {
  readonly interactions: readonly FhirInteraction[];
  /** Search parameter codes accepted; default: every R4 parameter of the type the sandbox evaluates. */
  readonly searchParams?: readonly string[];
}

/** What a route hands to a personality's hooks. */
export interface InteractionContext {
  readonly request: FastifyRequest;
  readonly personality: FhirPersonality;
  readonly interaction: FhirInteraction;
  readonly resourceType: string;
  readonly id?: string;
  readonly store: FhirStore;
  /** Absolute base URL of this personality for this request, e.g. `http://127.0.0.1:8090/fhir/R4`. */
  readonly baseUrl: string;
}

export interface PersonalityRules {
  /**
   * Runs after authorization and before the store: throw a FhirOutcomeError to refuse (Cerner's
   * Slot search rules, a 422 for a busy slot). Not called for operations: they check their own input.
   */
  readonly beforeInteraction?: (context: InteractionContext) => void | Promise<void>;
  /**
   * Adjusts a resource sent to create or update before it is validated and stored (Cerner fills
   * an Appointment's start and end from its slot). Returns the resource to store.
   */
  readonly prepareWrite?: (context: InteractionContext, resource: Resource) => Resource | Promise<Resource>;
  /** Writes that must carry If-Match (Cerner: PATCH). */
  readonly requireIfMatch?: readonly ('update' | 'patch')[];
  /** Status when a required If-Match is absent. Default 412 (Cerner documents 412). */
  readonly missingIfMatchStatus?: number;
  /** Status when If-Match names an old version. Default 412 (R4 http.html#concurrency); Cerner 409. */
  readonly staleVersionStatus?: number;
  /**
   * Answers an interaction itself instead of the shared route (Cerner's Slot search, its
   * Appointment create and PATCH). Runs after beforeInteraction; `undefined` lets the shared
   * route run. The reply is sent as given: versions in it are the personality's own.
   */
  readonly handle?: (context: InteractionContext) => Promise<FhirReply | undefined>;
  /**
   * The version id clients see for a resource's first version: 1 (the store's numbering,
   * default) or 0 (Cerner answers a create with `ETag: W/"0"`). ETags, If-Match, vread,
   * `meta.versionId` and Location headers are shifted accordingly.
   */
  readonly firstVersionId?: 0 | 1;
  /** Page size without `_count`. Default DEFAULT_PAGE_SIZE. */
  readonly defaultPageSize?: number;
  /** Largest `_count` honoured; larger ones are clamped. Default MAX_PAGE_SIZE. */
  readonly maxPageSize?: number;
}

export interface FhirReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A personality-specific route under the prefix, e.g. Epic's `POST Appointment/$find`. */
export interface OperationRoute {
  readonly method: 'GET' | 'POST';
  /** Path under the prefix: `Appointment/$find`, `$book`, `Patient/$match`. */
  readonly path: string;
  /** Operation name without `$`, as the auth hook sees it. */
  readonly name: string;
  readonly resourceType?: string;
  readonly handler: (context: OperationContext) => Promise<FhirReply>;
}

export interface OperationContext {
  readonly request: FastifyRequest;
  readonly store: FhirStore;
  readonly baseUrl: string;
  readonly personality: FhirPersonality;
}

export interface FhirPersonality {
  /** `r4`, `epic`, `cerner`: what the auth hook and logs call it. */
  readonly name: string;
  /** Path prefix; may hold Fastify params (`/r4/:tenant`). */
  readonly prefix: string;
  /** Human name for the CapabilityStatement. */
  readonly title: string;
  /** CapabilityStatement.fhirVersion. */
  readonly fhirVersion: '4.0.1' | '3.0.1';
  readonly resources: Readonly<Record<string, ResourceSupport>>;
  /** Whether `If-None-Exist` is honoured; when false the header is ignored, as Epic does. */
  readonly conditionalCreate: boolean;
  readonly rules?: PersonalityRules;
  readonly operations?: readonly OperationRoute[];
  /**
   * This personality's token endpoint on the sandbox authorization server: the path (may hold
   * Fastify params, e.g. Cerner's tenant-specific URL) and the vendor whose rules it applies.
   * Its smartConfiguration must advertise the same URL.
   */
  readonly tokenEndpoint?: { readonly path: string; readonly vendor: 'epic' | 'cerner' | 'r4' };
  /**
   * Adjusts the generated CapabilityStatement (capability-statement.ts) where the personality
   * serves more than R4 search parameters can say: Cerner's `-location` and `schedule.actor`.
   */
  readonly capabilityStatement?: (generated: CapabilityStatement) => CapabilityStatement;
  /** The SMART discovery document for `baseUrl`; absent means no `.well-known` route. */
  readonly smartConfiguration?: (baseUrl: string) => Readonly<Record<string, unknown>>;
}

/** 50 per page unless the client asks: HAPI uses 20, Cerner up to 100; clients must follow `next`. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
