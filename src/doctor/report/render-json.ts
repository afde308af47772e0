import type { DoctorReport } from '../types.ts';

/** The whole report, for CI and for tools; the shape is DoctorReport (src/doctor/types.ts). */
export function renderJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
