export {
  type ParsedRetellCall,
  parseRetellCall,
  RETELL_CALL_ID_HEADER,
  RETELL_CALL_ID_QUERY,
  type RetellFunctionCall,
} from './parse-function-call.ts';
export {
  DEFAULT_RETELL_BODY_LIMIT_BYTES,
  handleRetellRequest,
  RETELL_FUNCTIONS_PATH,
  type RetellChannelOptions,
  type RetellErrorCode,
  type RetellReply,
  registerRetellChannel,
} from './retell-routes.ts';
