// The scopes each workflow needs on this vendor: the same matrix `ehrgate serve` requests.
export { scopeMatrixFor } from '../../auth/index.ts';
