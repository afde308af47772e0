export { type IntakeHandlersOptions, intakeHandlers } from './intake-handlers.ts';
export type { IntakeInput, IntakePiece } from './intake-input.ts';
export { INTAKE_KINDS } from './intake-steps.ts';
export { createIntakeWorkflow, type IntakeWorkflow, type IntakeWorkflowOptions } from './intake-workflow.ts';
export {
  DEFAULT_INTAKE_QUEUE,
  type IntakeOutcome,
  type IntakePieceResult,
  type IntakeView,
  RECORD_INTAKE_TOOL,
} from './record-intake.ts';
