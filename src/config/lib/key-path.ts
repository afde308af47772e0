// Paths are part of the error contract: `tenants[0].ehr.baseUrl`, the way a reader finds the key
// in the YAML file. The document root has no key of its own, so it gets a label instead.

export const ROOT_PATH_LABEL = '(top level)';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function formatKeyPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment))
      path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(String(segment))}]`;
  }
  return path;
}
