import { createRequire } from 'node:module';

// ehrgate's version as MCP `serverInfo.version` and OpenAPI `info.version`.
export const EHRGATE_VERSION: string = (
  createRequire(import.meta.url)('../../../package.json') as { version: string }
).version;
