// The tool catalog (issue 6 item 1): the one list of tools. Nothing else names them; channels
// read it through ToolRouter.list. Order is the order a call usually takes.
import type { CatalogTool } from '../tool.ts';
import { bookAppointmentTool } from './book-appointment.ts';
import { cancelAppointmentTool } from './cancel-appointment.ts';
import { endCallTool } from './end-call.ts';
import { findPatientTool } from './find-patient.ts';
import { findSlotsTool } from './find-slots.ts';
import { listAppointmentsTool } from './list-appointments.ts';
import { recordInsuranceTool } from './record-insurance.ts';
import { recordIntakeTool } from './record-intake.ts';
import { registerPatientTool } from './register-patient.ts';
import { rescheduleAppointmentTool } from './reschedule-appointment.ts';
import { routeCallTool } from './route-call.ts';

export const TOOL_CATALOG: readonly CatalogTool[] = Object.freeze([
  findPatientTool,
  registerPatientTool,
  findSlotsTool,
  bookAppointmentTool,
  cancelAppointmentTool,
  rescheduleAppointmentTool,
  listAppointmentsTool,
  recordIntakeTool,
  recordInsuranceTool,
  routeCallTool,
  endCallTool,
]);
