// The contract between the tool catalog and the channels (DESIGN.md section 9, issue 6): a
// channel authenticates a request to exactly one tenant, maps its platform's shape onto
// `ToolRouter.call`, and maps the result back. Channels know tools, never FHIR.
//
// What the agent hears is not what the log says (STYLE.md rule 6): a tool that ran and failed
// (slot taken, patient not verified, EHR down) is an `ok: true` result whose `output` carries
// `status: 'failed' | 'queued'` and a `say` sentence; only protocol misuse (unknown tool,
// arguments that fail the schema, a call id owned by another tenant) is `ok: false`.

export type ChannelName = 'mcp' | 'vapi' | 'retell' | 'openai' | 'http' | 'sim';

/** One tool as platforms advertise it: name, description for the model, JSON Schemas. */
export type ToolDescriptor = {
  readonly name: string;
  readonly description: string;
  /** JSON Schema (draft 2020-12 as produced by zod's `z.toJSONSchema`) of the arguments. */
  readonly inputSchema: Readonly<Record<string, unknown>>;
  readonly outputSchema: Readonly<Record<string, unknown>>;
};

export type ToolCallRequest = {
  /** Set by the channel from the authenticated credential, never from the request body. */
  readonly tenantId: string;
  /** The platform's call id (Vapi call.id, Retell call_id, MCP X-Call-Id / session). */
  readonly callId: string;
  readonly channel: ChannelName;
  readonly name: string;
  /** Raw arguments as the platform sent them (object, or a JSON string from Vapi/OpenAI). */
  readonly args: unknown;
  /**
   * The platform's id of this tool call when it has one (Vapi toolCall.id, OpenAI call_id). A
   * repeat with the same id returns the first outcome (P3). Retell sends none: the router
   * derives the key from call id + tool + canonical arguments.
   */
  readonly toolCallId?: string;
  readonly signal?: AbortSignal;
};

export type ToolCallError = {
  readonly code:
    | 'unknown_tool'
    | 'invalid_arguments'
    | 'call_belongs_to_another_tenant'
    | 'rate_limited'
    | 'internal_error';
  /** One precise line, e.g. `arguments.birthDate: expected YYYY-MM-DD`. */
  readonly message: string;
};

export type ToolCallResult =
  | { readonly ok: true; readonly output: Readonly<Record<string, unknown>>; readonly say: string }
  | { readonly ok: false; readonly error: ToolCallError };

export interface ToolRouter {
  /** Every tool of the catalog, for a tenant (workflows it does not enable are left out). */
  list(tenantId: string): readonly ToolDescriptor[];
  /** Validates, runs under the call's deadline, validates the output, records call events. */
  call(request: ToolCallRequest): Promise<ToolCallResult>;
}
