// A catalog tool as platforms advertise it (contract.ts ToolDescriptor): JSON Schemas made by
// zod (draft 2020-12). The output schema also admits what the router answers for any tool
// (pending past the deadline, emergency), so a client validating structured output (MCP
// `outputSchema`) accepts every answer it can get.
import { z } from 'zod';
import type { ToolDescriptor } from '../contract.ts';
import type { CatalogTool } from '../tool.ts';
import { emergencyOutcomeSchema, pendingOutcomeSchema } from './outcome-schemas.ts';

export function describeTool(tool: CatalogTool): ToolDescriptor {
  const output = z.toJSONSchema(z.union([tool.output, pendingOutcomeSchema, emergencyOutcomeSchema]), {
    io: 'output',
  }) as Record<string, unknown>;
  return Object.freeze({
    name: tool.name,
    description: tool.description,
    inputSchema: Object.freeze(z.toJSONSchema(tool.input, { io: 'input' }) as Record<string, unknown>),
    // MCP requires an object at the root of an output schema; every branch is one.
    outputSchema: Object.freeze({ type: 'object', ...output }),
  });
}
