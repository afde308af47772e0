// The proposed appointments `$find` hands out (with temporary ids) and `$book` redeems, once.
// One book per store, so several sandboxes in one process never see each other's proposals.
// Proposals expire (Epic's are only good for the conversation that asked for them) and the book
// is bounded, oldest first out.

import type { Appointment } from '@medplum/fhirtypes';
import type { FhirStore } from '../fhir-store.ts';

/** How long a `$find` proposal can be booked. */
export const EPIC_PROPOSAL_TTL_MS = 15 * 60_000;
/** Proposals kept at most; beyond it the oldest are forgotten. */
export const MAX_EPIC_PROPOSALS = 10_000;

export interface Proposal {
  readonly id: string;
  readonly slotId: string;
  readonly appointment: Appointment;
  readonly expiresAtMs: number;
  /** The Appointment id once booked: a proposal books once. */
  bookedAs?: string;
}

export class ProposalBook {
  readonly #proposals = new Map<string, Proposal>();
  now: () => number = Date.now;

  add(slotId: string, appointment: Appointment): Proposal {
    const id = `tmp-${crypto.randomUUID()}`;
    const proposal: Proposal = {
      id,
      slotId,
      appointment: { ...appointment, id },
      expiresAtMs: this.now() + EPIC_PROPOSAL_TTL_MS,
    };
    this.#proposals.set(id, proposal);
    if (this.#proposals.size > MAX_EPIC_PROPOSALS) {
      const oldest = this.#proposals.keys().next().value;
      if (oldest !== undefined) this.#proposals.delete(oldest);
    }
    return proposal;
  }

  /** The proposal if known; `expired` when its time is up. */
  find(id: string): { proposal: Proposal; expired: boolean } | undefined {
    const proposal = this.#proposals.get(id);
    if (proposal === undefined) return undefined;
    return { proposal, expired: this.now() >= proposal.expiresAtMs };
  }
}

const books = new WeakMap<FhirStore, ProposalBook>();

export function proposalBookOf(store: FhirStore): ProposalBook {
  let book = books.get(store);
  if (book === undefined) {
    book = new ProposalBook();
    books.set(store, book);
  }
  return book;
}
