export { JSON_SCHEMA_DIALECT, OPENAPI_VERSION, openApiDocument, TOOL_CALL_PATH } from './openapi-document.ts';
export { type HttpChannelOptions, OPENAPI_PATH, registerHttpChannel } from './register-http-channel.ts';
