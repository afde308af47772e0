// The EHR's own words, taken from the typed errors that carry them (STYLE.md rule 4), for a
// finding's `ehrSaid`: the HTTP status and the OperationOutcome diagnostics, or the OAuth error.
import { AuthError } from '../../auth/index.ts';
import { FhirError } from '../../fhir/index.ts';

const MAX_QUOTE_CHARS = 400;

export function ehrSaid(error: unknown): string | undefined {
  const cause = error instanceof FhirError || error instanceof AuthError ? error : fhirCause(error);
  if (cause instanceof FhirError) {
    const words = cause.issues
      .map((issue) => [issue.details, issue.diagnostics].filter((w) => w !== undefined).join(' — '))
      .filter((w) => w !== '');
    const status = cause.ehrStatus === undefined ? cause.kind : `HTTP ${cause.ehrStatus}`;
    const challenge = cause.insufficientScope
      ? ` (insufficient_scope${cause.scope === undefined ? '' : `, scope ${cause.scope}`})`
      : '';
    return clip(`${status}${challenge}${words.length > 0 ? `: ${words.join('; ')}` : ''}`);
  }
  if (cause instanceof AuthError) {
    const parts = [
      cause.endpointStatus === undefined ? undefined : `HTTP ${cause.endpointStatus}`,
      cause.oauthError,
      cause.description,
    ].filter((p) => p !== undefined);
    return parts.length === 0 ? undefined : clip(parts.join(': '));
  }
  return undefined;
}

/** Adapters wrap a FhirError as `cause` (ERR_EHR_RULE, ERR_SLOT_TAKEN). */
function fhirCause(error: unknown): FhirError | undefined {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause instanceof FhirError ? cause : undefined;
}

/** A one-line message for any thrown value; typed errors keep their own message. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_QUOTE_CHARS ? `${oneLine.slice(0, MAX_QUOTE_CHARS - 1)}…` : oneLine;
}
