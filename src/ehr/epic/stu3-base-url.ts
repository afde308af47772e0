// Epic serves scheduling ($find, $book) only on its STU3 endpoint, beside the R4 one the tenant
// configures (DESIGN.md section 5): https://host/[instance/]api/FHIR/R4 -> .../api/FHIR/STU3.
import { EhrgateError } from '../../errors.ts';

export function epicStu3BaseUrl(r4BaseUrl: string): string {
  const url = new URL(r4BaseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  if (!/\/api\/FHIR\/R4$/i.test(path)) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `an Epic FHIR base must end in /api/FHIR/R4 to find its STU3 scheduling endpoint, got ${url.origin}${url.pathname}`,
    );
  }
  url.pathname = path.replace(/R4$/i, 'STU3');
  return url.href;
}
