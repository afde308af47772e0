// The catalog's JSON Schemas (zod's z.toJSONSchema, draft 2020-12) as each platform embeds them.

type Schema = Readonly<Record<string, unknown>>;

/**
 * Without `$schema`: MCP clients compile tool schemas with Ajv's default draft-07 instance
 * (@modelcontextprotocol/sdk validation/ajv-provider.js), which rejects an unknown meta-schema,
 * and OpenAPI 3.1 declares the dialect once, in `jsonSchemaDialect`.
 */
export function withoutMetaSchema(schema: Schema): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/**
 * MCP requires `type: "object"` at the top of a tool's inputSchema and outputSchema (MCP
 * 2025-11-25, server/tools, Tool); a discriminated union of outcomes is `oneOf` without it, and
 * adding the keyword beside `oneOf` keeps the meaning (every branch is an object).
 */
export function asObjectSchema(schema: Schema): Record<string, unknown> {
  const rest = withoutMetaSchema(schema);
  return rest.type === 'object' ? rest : { type: 'object', ...rest };
}
