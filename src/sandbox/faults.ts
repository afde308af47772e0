// Fault injection for every route of the sandbox (FHIR personalities and the authorization
// server alike), so tests can reproduce what production EHRs do to integrations: slow answers,
// 5xx, connections that never answer (DESIGN.md section 8).
//
// A fault reaches a request in one of two ways:
//   - the request itself carries `X-Sandbox-Fault: latency=150, status=503` (directives
//     separated by commas, each `name` or `name=value`, names from the fault kinds below);
//   - a rule set through the control API (`POST /_sandbox/faults`) matches it, so a test can
//     fault requests it does not send itself (the gateway's):
//       { "match": { "method": "POST", "path": "/fhir/R4/Appointment" },
//         "fault": { "status": 503 }, "times": 1 }
//     `match.path` is a substring of the request URL (path and query); `match.pathRegex` is a
//     regular expression source tested against the same string. `times` counts matching requests,
//     after which the rule disappears; without it the rule stays until `DELETE /_sandbox/faults`.
// When several sources name the same kind, the header wins, then the earliest rule.
//
// Adding a fault kind (slot taken, write acknowledged but not persisted, commit-then-timeout,
// token revocation...): write a `FaultKind` (see fault-kinds.ts) and add it to
// `BUILTIN_FAULT_KINDS`. A `request`-phase kind acts in the root onRequest hook, before auth and
// before the route runs; a `handler`-phase kind does nothing by itself: the code that honours it
// asks `activeFault(request, 'name')` (e.g. a create handler that skips the store write).

import type { FastifyReply, FastifyRequest } from 'fastify';
import { FhirOutcomeError, fhirError } from './lib/outcome.ts';

export const FAULT_HEADER = 'x-sandbox-fault';

export type FaultPhase = 'request' | 'handler';

export interface FaultContext {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  /** Aborted when the client goes away or the sandbox closes: stop waiting, answer nothing. */
  readonly signal: AbortSignal;
  /** Every fault active on this request, by kind name (a kind may read another's value). */
  readonly active: ReadonlyMap<string, unknown>;
}

export interface FaultKind<P = unknown> {
  /** Directive name in `X-Sandbox-Fault`, and the key of `activeFault`. */
  readonly name: string;
  /** Field of a control-API rule's `fault` object. */
  readonly ruleField: string;
  readonly phase: FaultPhase;
  /** One line for `GET /_sandbox/faults`. */
  readonly description: string;
  /**
   * Turns the raw value into the kind's parameter: a string (or `undefined` for a bare
   * directive) from the header, a JSON value from a rule. Throws FhirOutcomeError 400 when bad.
   */
  parse(raw: unknown): P;
  /** For `request`-phase kinds. `handled` means the kind answered (or hijacked) the request. */
  apply?(context: FaultContext, parameter: P): Promise<'continue' | 'handled'>;
}

export interface FaultMatch {
  readonly method?: string;
  readonly path?: string;
  readonly pathRegex?: string;
}

export interface FaultRule {
  readonly id: number;
  readonly match: FaultMatch;
  /** As sent, keyed by rule field. */
  readonly fault: Readonly<Record<string, unknown>>;
  readonly times?: number;
  /** Matching requests still to fault; absent for a rule without `times`. */
  remaining?: number;
  hits: number;
}

interface CompiledRule {
  readonly rule: FaultRule;
  readonly method?: string;
  readonly test: (url: string) => boolean;
  readonly parsed: ReadonlyMap<string, unknown>;
}

const activeByRequest = new WeakMap<object, ReadonlyMap<string, unknown>>();

/** The parameter of fault kind `name` on this request, if active (for `handler`-phase kinds). */
export function activeFault(request: FastifyRequest, name: string): unknown {
  return activeByRequest.get(request.raw)?.get(name);
}

/** The sandbox's own endpoints are never faulted, or a test could not switch faults off. */
export function isControlPath(url: string): boolean {
  return url.startsWith('/_sandbox/') || url === '/_sandbox';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class FaultController {
  readonly kinds: readonly FaultKind[];
  readonly #byName: ReadonlyMap<string, FaultKind>;
  readonly #byRuleField: ReadonlyMap<string, FaultKind>;
  #rules: CompiledRule[] = [];
  #nextId = 1;
  readonly #shutdown = new AbortController();

  constructor(kinds: readonly FaultKind[]) {
    this.kinds = kinds;
    this.#byName = new Map(kinds.map((k) => [k.name, k]));
    this.#byRuleField = new Map(kinds.map((k) => [k.ruleField, k]));
  }

  /** Validates and adds a rule from the control API body. */
  addRule(body: unknown): FaultRule {
    if (!isRecord(body)) throw fhirError(400, 'invalid', 'a fault rule is a JSON object');
    for (const field of Object.keys(body)) {
      if (!['match', 'fault', 'times'].includes(field))
        throw fhirError(400, 'invalid', `unknown rule field '${field}'`);
    }
    const match = body.match ?? {};
    if (!isRecord(match)) throw fhirError(400, 'invalid', 'match must be an object');
    for (const [field, value] of Object.entries(match)) {
      if (!['method', 'path', 'pathRegex'].includes(field)) {
        throw fhirError(400, 'invalid', `unknown match field '${field}'`);
      }
      if (typeof value !== 'string') throw fhirError(400, 'invalid', `match.${field} must be a string`);
    }
    const { method, path, pathRegex } = match as FaultMatch;
    let regex: RegExp | undefined;
    if (pathRegex !== undefined) {
      try {
        regex = new RegExp(pathRegex);
      } catch (error) {
        throw fhirError(
          400,
          'invalid',
          `match.pathRegex is not a regular expression: ${(error as Error).message}`,
        );
      }
    }
    if (!isRecord(body.fault) || Object.keys(body.fault).length === 0) {
      throw fhirError(
        400,
        'invalid',
        `fault must name at least one of: ${[...this.#byRuleField.keys()].join(', ')}`,
      );
    }
    const parsed = new Map<string, unknown>();
    for (const [field, raw] of Object.entries(body.fault)) {
      const kind = this.#byRuleField.get(field);
      if (kind === undefined) {
        throw fhirError(
          400,
          'invalid',
          `unknown fault '${field}'; known: ${[...this.#byRuleField.keys()].join(', ')}`,
        );
      }
      parsed.set(kind.name, kind.parse(raw));
    }
    const times = body.times;
    if (times !== undefined && !(Number.isInteger(times) && (times as number) > 0)) {
      throw fhirError(400, 'invalid', 'times must be a positive integer');
    }
    const rule: FaultRule = {
      id: this.#nextId++,
      match: {
        ...(method && { method }),
        ...(path !== undefined && { path }),
        ...(pathRegex && { pathRegex }),
      },
      fault: { ...body.fault },
      ...(times !== undefined && { times: times as number, remaining: times as number }),
      hits: 0,
    };
    this.#rules.push({
      rule,
      method: method?.toUpperCase(),
      test: (url) => (path === undefined || url.includes(path)) && (regex === undefined || regex.test(url)),
      parsed,
    });
    return { ...rule };
  }

  rules(): FaultRule[] {
    return this.#rules.map((r) => ({ ...r.rule }));
  }

  clear(): void {
    this.#rules = [];
  }

  /** Parses `X-Sandbox-Fault`. */
  parseHeader(header: string): Map<string, unknown> {
    const parsed = new Map<string, unknown>();
    for (const directive of header.split(',')) {
      const text = directive.trim();
      if (text === '') continue;
      const eq = text.indexOf('=');
      const name = (eq < 0 ? text : text.slice(0, eq)).trim().toLowerCase();
      const kind = this.#byName.get(name);
      if (kind === undefined) {
        throw fhirError(
          400,
          'invalid',
          `unknown ${FAULT_HEADER} directive '${name}'; known: ${[...this.#byName.keys()].join(', ')}`,
        );
      }
      parsed.set(name, kind.parse(eq < 0 ? undefined : text.slice(eq + 1).trim()));
    }
    return parsed;
  }

  /** The faults for one request; consumes one of `times` of every matching rule. */
  resolve(method: string, url: string, header: string | undefined): Map<string, unknown> {
    const active = header === undefined ? new Map<string, unknown>() : this.parseHeader(header);
    const upper = method.toUpperCase();
    const spent: CompiledRule[] = [];
    for (const compiled of this.#rules) {
      if (compiled.method !== undefined && compiled.method !== upper) continue;
      if (!compiled.test(url)) continue;
      compiled.rule.hits += 1;
      if (compiled.rule.remaining !== undefined) {
        compiled.rule.remaining -= 1;
        if (compiled.rule.remaining === 0) spent.push(compiled);
      }
      for (const [name, value] of compiled.parsed) if (!active.has(name)) active.set(name, value);
    }
    if (spent.length > 0) this.#rules = this.#rules.filter((r) => !spent.includes(r));
    return active;
  }

  /** Root onRequest hook: decides the request's faults and applies the `request`-phase ones. */
  readonly onRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    if (isControlPath(request.url)) return undefined;
    const header = request.headers[FAULT_HEADER];
    let active: Map<string, unknown>;
    try {
      active = this.resolve(request.method, request.url, Array.isArray(header) ? header.join(',') : header);
    } catch (error) {
      const failure = error instanceof FhirOutcomeError ? error : fhirError(400, 'invalid', String(error));
      return reply.code(failure.status).type('application/fhir+json').send(failure.outcome);
    }
    if (active.size === 0) return undefined;
    activeByRequest.set(request.raw, active);
    const clientGone = new AbortController();
    const onClose = (): void => clientGone.abort();
    reply.raw.once('close', onClose);
    const signal = AbortSignal.any([clientGone.signal, this.#shutdown.signal]);
    try {
      for (const kind of this.kinds) {
        if (kind.phase !== 'request' || kind.apply === undefined || !active.has(kind.name)) continue;
        if ((await kind.apply({ request, reply, signal, active }, active.get(kind.name))) === 'handled') {
          return reply;
        }
      }
    } finally {
      reply.raw.off('close', onClose);
    }
    return undefined;
  };

  /** Releases every request held by a latency or timeout fault (the sandbox is closing). */
  close(): void {
    this.#shutdown.abort();
  }
}
