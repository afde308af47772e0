// The OpenAPI 3.1 description of the plain HTTP channel, generated from the catalog's JSON
// Schemas (issue 6 item 3) so the document and the tools cannot drift apart. OpenAPI 3.1 Schema
// Objects are JSON Schema 2020-12 (OAS 3.1.1 section 4.8.24), the dialect zod emits, so the
// schemas are embedded as they are, minus `$schema` (declared once in `jsonSchemaDialect`) and
// with any `$defs` hoisted into components (a `#/$defs/...` reference inside a component would
// otherwise resolve against the document root).
import type { ToolDescriptor } from '../../tools/contract.ts';
import { CALL_ID_PATTERN } from '../lib/call-id.ts';
import { CHANNEL_ERROR_STATUS, type ChannelErrorCode } from '../lib/channel-errors.ts';
import { withoutMetaSchema } from '../lib/json-schema.ts';

export const OPENAPI_VERSION = '3.1.1';
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
export const TOOL_CALL_PATH = '/v1/calls/{callId}/tools/{name}';

export type OpenApiDocumentOptions = {
  readonly tools: readonly ToolDescriptor[];
  readonly version: string;
  readonly title?: string;
  /** Whether the PHI firewall routes are served (register-http-channel.ts `phi`). */
  readonly phi?: boolean;
};

type Json = Record<string, unknown>;

const REFUSALS: readonly { status: string; codes: readonly ChannelErrorCode[]; description: string }[] = [
  {
    status: '400',
    codes: ['malformed_json', 'invalid_request', 'invalid_arguments'],
    description: 'Malformed JSON, a bad call id, or arguments that fail the input schema.',
  },
  { status: '401', codes: ['unauthorized'], description: 'Missing or unknown API key.' },
  {
    status: '403',
    codes: ['phi_flow_refused'],
    description: 'PHI revealed for a vendor the tenant does not list with a BAA (PHI routes only).',
  },
  {
    status: '404',
    codes: ['unknown_tool', 'call_belongs_to_another_tenant', 'not_found'],
    description: 'No such tool for this tenant, or a call id this credential cannot see.',
  },
  { status: '413', codes: ['payload_too_large'], description: 'The body exceeds the size limit.' },
  { status: '415', codes: ['unsupported_media_type'], description: 'The body is not application/json.' },
  { status: '429', codes: ['rate_limited'], description: "The tenant's rate limit; see Retry-After." },
  {
    status: '500',
    codes: ['internal_error'],
    description: 'The gateway failed; a retry with the same Idempotency-Key runs the tool again.',
  },
];

/** `find_slots` -> `FindSlots`: component names must match ^[a-zA-Z0-9.\-_]+$ (OAS 3.1.1 4.8.7.1). */
function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

function hoist(schema: Readonly<Json>, prefix: string, components: Json): Json {
  const { $defs, ...rest } = withoutMetaSchema(schema);
  const rename = (name: string) => `${prefix}${pascal(name)}`;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) =>
        key === '$ref' && typeof inner === 'string' && inner.startsWith('#/$defs/')
          ? [key, `#/components/schemas/${rename(inner.slice('#/$defs/'.length))}`]
          : [key, rewrite(inner)],
      ),
    );
  };
  if ($defs !== null && typeof $defs === 'object') {
    for (const [name, def] of Object.entries($defs)) components[rename(name)] = rewrite(def);
  }
  return rewrite(rest) as Json;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export function openApiDocument(options: OpenApiDocumentOptions): Json {
  const schemas: Json = {
    ToolError: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', enum: Object.keys(CHANNEL_ERROR_STATUS) },
            message: { type: 'string', description: 'One precise line; safe to log.' },
          },
        },
      },
    },
  };
  const responses: Json = {};
  for (const refusal of REFUSALS) {
    responses[`Error${refusal.status}`] = {
      description: `${refusal.description} Codes: ${refusal.codes.join(', ')}.`,
      content: { 'application/json': { schema: ref('ToolError') } },
    };
  }

  const paths: Json = {};
  for (const tool of options.tools) {
    const base = pascal(tool.name);
    schemas[`${base}Input`] = hoist(tool.inputSchema, `${base}Input`, schemas);
    schemas[`${base}Output`] = hoist(tool.outputSchema, `${base}Output`, schemas);
    paths[TOOL_CALL_PATH.replace('{name}', tool.name)] = {
      post: {
        operationId: tool.name,
        summary: firstSentence(tool.description),
        description: tool.description,
        tags: ['tools'],
        parameters: [
          { $ref: '#/components/parameters/CallId' },
          { $ref: '#/components/parameters/IdempotencyKey' },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref(`${base}Input`) } },
        },
        responses: {
          '200': {
            description:
              'The tool ran. A tool that ran and could not do what was asked still answers 200, with ' +
              '`status: "failed"` and a `say` sentence for the caller.',
            content: { 'application/json': { schema: ref(`${base}Output`) } },
          },
          ...Object.fromEntries(
            REFUSALS.map((refusal) => [
              refusal.status,
              { $ref: `#/components/responses/Error${refusal.status}` },
            ]),
          ),
        },
      },
    };
  }

  if (options.phi) Object.assign(paths, phiPaths());

  return {
    openapi: OPENAPI_VERSION,
    jsonSchemaDialect: JSON_SCHEMA_DIALECT,
    info: {
      title: options.title ?? 'ehrgate tools',
      version: options.version,
      description:
        'One tool call per request, inside a call named by the platform (callId). Every request carries ' +
        "`Authorization: Bearer <api key>`; the key decides the tenant, and the tools listed here are that tenant's.",
    },
    security: [{ apiKey: [] }],
    tags: [
      { name: 'tools', description: 'The tool catalog' },
      { name: 'phi', description: "The PHI firewall for the platform's transcript and speech" },
    ],
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A tenant API key.' } },
      parameters: {
        CallId: {
          name: 'callId',
          in: 'path',
          required: true,
          description: "The voice platform's id of the phone call; every tool call of one call shares it.",
          schema: { type: 'string', pattern: CALL_ID_PATTERN },
        },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'The id of this tool call; a repeat with the same key returns the first outcome and never ' +
            'writes twice. Without it the key is derived from the call, the tool and the arguments.',
          schema: { type: 'string', minLength: 1, maxLength: 200 },
        },
      },
      responses,
      schemas,
    },
  };
}

function firstSentence(text: string): string {
  const end = text.search(/[.!?](\s|$)/);
  return end === -1 ? text : text.slice(0, end + 1);
}

// The firewall's two routes (compliance/phi): the platform's transcript turn goes to its LLM
// protected; the LLM's reply is revealed for the text-to-speech vendor named in `for`.
function phiPaths(): Json {
  const text = { type: 'string', maxLength: 1_000_000 };
  const route = (op: 'protect' | 'reveal', summary: string, input: Json, output: Json) => ({
    post: {
      operationId: `phi_${op}`,
      summary,
      tags: ['phi'],
      parameters: [{ $ref: '#/components/parameters/CallId' }],
      requestBody: { required: true, content: { 'application/json': { schema: input } } },
      responses: {
        '200': { description: 'Done.', content: { 'application/json': { schema: output } } },
        ...Object.fromEntries(
          REFUSALS.map((refusal) => [
            refusal.status,
            { $ref: `#/components/responses/Error${refusal.status}` },
          ]),
        ),
      },
    },
  });
  const span = {
    type: 'object',
    required: ['type', 'start', 'end', 'token'],
    properties: {
      type: { type: 'string' },
      start: { type: 'integer' },
      end: { type: 'integer' },
      token: { type: 'string' },
    },
  };
  return {
    '/v1/calls/{callId}/phi/protect': route(
      'protect',
      'Replace the identifiers in a transcript turn with tokens of this call.',
      { type: 'object', required: ['text'], properties: { text } },
      {
        type: 'object',
        required: ['text', 'spans'],
        properties: { text, spans: { type: 'array', items: span } },
      },
    ),
    '/v1/calls/{callId}/phi/reveal': route(
      'reveal',
      "Restore this call's tokens in text bound for a subprocessor with a BAA (text-to-speech).",
      {
        type: 'object',
        required: ['text', 'for'],
        properties: {
          text,
          for: { type: 'string', description: 'The subprocessor that receives the text.' },
        },
      },
      { type: 'object', required: ['text'], properties: { text } },
    ),
  };
}
