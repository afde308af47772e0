// Misuse of the sandbox by the code or test that hosts it (bad options, a port in use). FHIR
// clients never see these: they get OperationOutcomes (lib/outcome.ts). The sandbox imports
// nothing from the gateway (DESIGN.md section 2), so it has its own small catalog.

export const SANDBOX_ERROR_CODES = [
  'ERR_SANDBOX_OPTIONS',
  'ERR_SANDBOX_PORT_IN_USE',
  'ERR_SANDBOX_START',
] as const;

export type SandboxErrorCode = (typeof SANDBOX_ERROR_CODES)[number];

export class SandboxError extends Error {
  readonly code: SandboxErrorCode;

  constructor(code: SandboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
    this.code = code;
  }
}
