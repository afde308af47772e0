// Request counts by method and route, so tests can assert what the gateway actually sent
// ("exactly one token request", "exactly one POST /Appointment"). Keys use the route pattern with
// the resource type filled in (`GET /fhir/R4/Slot`, `GET /fhir/R4/Patient/:id`), so reads of
// different ids count together but searches of different types do not. Requests counted on
// arrival (so a request held by a timeout fault still counts); responses by status on finish.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { isControlPath } from './faults.ts';

export interface StatsSnapshot {
  readonly total: number;
  /** `"POST /fhir/R4/Appointment": 1` */
  readonly requests: Readonly<Record<string, number>>;
  /** `"POST /fhir/R4/Appointment 201": 1` */
  readonly responses: Readonly<Record<string, number>>;
}

/** Requests that match no route are counted under this pattern. */
export const UNMATCHED_ROUTE = '(no route)';

export function routeKey(request: FastifyRequest): string {
  const pattern = request.routeOptions.url;
  if (pattern === undefined) return `${request.method} ${UNMATCHED_ROUTE}`;
  const resourceType = (request.params as Record<string, string | undefined>).resourceType;
  const path = resourceType === undefined ? pattern : pattern.replace(':resourceType', resourceType);
  return `${request.method} ${path}`;
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function sorted(map: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)));
}

export class RequestStats {
  #total = 0;
  readonly #requests = new Map<string, number>();
  readonly #responses = new Map<string, number>();

  readonly onRequest = async (request: FastifyRequest): Promise<void> => {
    if (isControlPath(request.url)) return;
    this.#total += 1;
    increment(this.#requests, routeKey(request));
  };

  readonly onResponse = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (isControlPath(request.url)) return;
    increment(this.#responses, `${routeKey(request)} ${reply.statusCode}`);
  };

  /** How many requests arrived for `key` (`"POST /fhir/R4/Appointment"`). */
  count(key: string): number {
    return this.#requests.get(key) ?? 0;
  }

  snapshot(): StatsSnapshot {
    return { total: this.#total, requests: sorted(this.#requests), responses: sorted(this.#responses) };
  }

  reset(): void {
    this.#total = 0;
    this.#requests.clear();
    this.#responses.clear();
  }
}
