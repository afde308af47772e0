// One tool of the catalog (STYLE.md rule 7, issue 6 item 1): name, a description written for the
// model, zod input and output schemas, and a handler. The router validates the input before the
// handler and the output after; handlers therefore trust their input's type.
import type { z } from 'zod';
import type { KnownValues, PhiFirewall } from '../compliance/phi/index.ts';
import type { TenantConfig, Workflow } from '../config/types.ts';
import type { Store } from '../store/index.ts';
import type { IdentityWorkflow } from '../workflows/identity/identity-workflow.ts';
import type { SchedulingWorkflow } from '../workflows/index.ts';
import type { InsuranceWorkflow } from '../workflows/insurance/insurance-workflow.ts';
import type { IntakeWorkflow } from '../workflows/intake/index.ts';
import type { CallSummary } from './call-summary.ts';
import type { CallSession } from './session.ts';

/** The workflows a tenant's tools run on, as built by the gateway (server/tool-runtime.ts). */
export type TenantTools = {
  readonly tenant: TenantConfig;
  /** Built with the tenant's missing scopes, so its writes answer not_authorized naming them (P5). */
  readonly scheduling?: SchedulingWorkflow;
  readonly identity?: IdentityWorkflow;
  readonly intake?: IntakeWorkflow;
  readonly insurance?: InsuranceWorkflow;
  /**
   * The key of the identity workflow's patient handles (patient-handle.ts): find_patient opens
   * the handle it returns to learn the EHR id the session holds.
   */
  readonly handleSecret?: string | Uint8Array;
  /** The tenant's PHI firewall: arguments revealed, answers protected (tools/lib/phi-boundary.ts). */
  readonly phi?: PhiFirewall;
};

export type ToolContext = {
  readonly tools: TenantTools;
  readonly session: CallSession;
  /**
   * Stable for every repeat of this tool call (platform retries, barge-in repeats, other gateway
   * processes): the workflows' idempotency key (P3).
   */
  readonly idempotencyKey: string;
  readonly store: Store;
  readonly now: () => number;
  /** Closes the call (end_call): waits for runs still going, flushes to the work queue, summarises. */
  endCall(): Promise<CallSummary>;
  /**
   * What the EHR holds for the caller just verified, so the firewall recognises it in what the
   * model reads next, spoken forms included. Never stored, never sent anywhere.
   */
  rememberPatientFacts(facts: KnownValues): void;
};

export type ToolOutput = { readonly status: string; readonly say: string };

export type CatalogTool = {
  readonly name: string;
  readonly description: string;
  readonly input: z.ZodType<Readonly<Record<string, unknown>>>;
  readonly output: z.ZodType<ToolOutput>;
  /** The workflow that must be enabled (and built) for the tenant; undefined: always offered. */
  readonly workflow?: Workflow;
  /** Refuses to run before find_patient verified someone in this call. */
  readonly patientBound: boolean;
  /** Reads repeat freely: without a toolCallId their answers are reused only for a short while. */
  readonly readOnly: boolean;
  /** Whether the tenant has what the tool needs (its workflow built). */
  available(tools: TenantTools): boolean;
  run(input: unknown, context: ToolContext): Promise<ToolOutput>;
};

export type ToolSpec<
  I extends z.ZodType<Readonly<Record<string, unknown>>>,
  O extends z.ZodType<ToolOutput>,
> = {
  readonly name: string;
  readonly description: string;
  readonly input: I;
  readonly output: O;
  readonly workflow?: Workflow;
  readonly patientBound?: boolean;
  readonly readOnly?: boolean;
  readonly available?: (tools: TenantTools) => boolean;
  readonly handler: (input: z.output<I>, context: ToolContext) => Promise<z.input<O>>;
};

/** Erases a tool's own types for the catalog array; the router parses input with `input` first. */
export function defineTool<
  I extends z.ZodType<Readonly<Record<string, unknown>>>,
  O extends z.ZodType<ToolOutput>,
>(spec: ToolSpec<I, O>): CatalogTool {
  return Object.freeze({
    name: spec.name,
    description: spec.description,
    input: spec.input,
    output: spec.output,
    ...(spec.workflow === undefined ? {} : { workflow: spec.workflow }),
    patientBound: spec.patientBound ?? false,
    readOnly: spec.readOnly ?? false,
    available: spec.available ?? (() => true),
    run: async (input: unknown, context: ToolContext) =>
      (await spec.handler(input as z.output<I>, context)) as ToolOutput,
  });
}
