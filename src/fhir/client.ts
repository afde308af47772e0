// The FHIR R4 client (DESIGN.md section 3, `fhir/`): RESTful interactions of R4 http.html on top
// of send(), which owns auth, timeouts, retries and error mapping.
import type {
  ExtractResource,
  Parameters,
  ParametersParameter,
  Resource,
  ResourceType,
} from '@medplum/fhirtypes';
import { Agent } from 'undici';
import { FhirError } from './errors.ts';
import { expectResource, isResource } from './lib/expect.ts';
import { dispatcherTransport, fetchTransport, type Transport } from './lib/transport.ts';
import { encodeSearchParams, idFromLocation, isFhirId, toEtag, versionFromEtag } from './lib/url.ts';
import {
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS_PER_EHR,
  resolveFhirClientOptions,
} from './options.ts';
import { matchedResources, searchAllPages, searchPage } from './search.ts';
import { createSend } from './send.ts';
import type {
  CallOptions,
  FhirClient,
  FhirClientOptions,
  FhirResponse,
  FhirWriteResult,
  HttpMethod,
} from './types.ts';

export function createFhirClient(options: FhirClientOptions): FhirClient {
  const resolved = resolveFhirClientOptions(options);
  // An injected fetch brings its own transport; otherwise one keep-alive pool per client, so the
  // TLS handshake to the EHR is paid once, not per tool call.
  let agent: Agent | undefined;
  let transport: Transport;
  if (resolved.fetch === undefined) {
    agent = new Agent({
      keepAliveTimeout: DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
      connections: DEFAULT_MAX_CONNECTIONS_PER_EHR,
    });
    transport = dispatcherTransport(agent);
  } else {
    transport = fetchTransport(resolved.fetch);
  }
  const send = createSend(resolved, transport);

  const refuse = (method: HttpMethod, path: string, detail: string): FhirError =>
    new FhirError({ kind: 'bad-request', method, path, neverSent: true, detail });

  const checkId = (method: HttpMethod, type: string, id: string | undefined, what = 'id'): string => {
    if (id === undefined || !isFhirId(id)) {
      throw refuse(method, type, `${what} must be a FHIR id ([A-Za-z0-9-.]{1,64}); refused to build the URL`);
    }
    return id;
  };

  function writeResult<T extends Resource>(response: FhirResponse, type: string): FhirWriteResult<T> {
    const resource =
      isResource(response.body) && response.body.resourceType === type ? (response.body as T) : undefined;
    const fromLocation = idFromLocation(response.location, type);
    return {
      status: response.status,
      resource,
      etag: response.etag,
      location: response.location,
      id: resource?.id ?? fromLocation.id,
      versionId: resource?.meta?.versionId ?? versionFromEtag(response.etag) ?? fromLocation.versionId,
    };
  }

  return {
    baseUrl: resolved.baseUrl,

    async read<K extends ResourceType>(type: K, id: string, opts: CallOptions = {}) {
      checkId('GET', type, id);
      return expectResource<ExtractResource<K>>(await send('GET', `${type}/${id}`, opts), 'GET', type);
    },

    async vread<K extends ResourceType>(type: K, id: string, versionId: string, opts: CallOptions = {}) {
      checkId('GET', type, id);
      checkId('GET', type, versionId, 'versionId');
      return expectResource<ExtractResource<K>>(
        await send('GET', `${type}/${id}/_history/${versionId}`, opts),
        'GET',
        type,
      );
    },

    search(type, params, opts) {
      return searchPage(send, type, params, opts);
    },

    searchAll(type, params, opts) {
      return searchAllPages(send, type, params, opts);
    },

    async searchResources(type, params, opts) {
      return matchedResources(await searchAllPages(send, type, params, opts), type);
    },

    async create(resource, opts = {}) {
      const headers: Record<string, string> = {};
      // Conditional create (R4 http.html#ccreate): only where the server declares it; Epic does not.
      if (opts.ifNoneExist !== undefined) {
        headers['if-none-exist'] =
          typeof opts.ifNoneExist === 'string'
            ? opts.ifNoneExist
            : encodeSearchParams(opts.ifNoneExist).toString();
      }
      const response = await send('POST', resource.resourceType, {
        body: resource,
        headers,
        signal: opts.signal,
      });
      return writeResult(response, resource.resourceType);
    },

    async update(resource, opts = {}) {
      const id = checkId('PUT', resource.resourceType, resource.id);
      const headers: Record<string, string> = {};
      if (opts.ifMatch !== undefined) headers['if-match'] = toEtag(opts.ifMatch);
      const response = await send('PUT', `${resource.resourceType}/${id}`, {
        body: resource,
        headers,
        signal: opts.signal,
      });
      return writeResult(response, resource.resourceType);
    },

    async patch(type, id, patch, opts) {
      checkId('PATCH', type, id);
      // JSON Patch (R4 http.html#patch, RFC 6902). Cerner requires If-Match and answers 412
      // without it (DESIGN.md section 5).
      const headers: Record<string, string> = { 'content-type': 'application/json-patch+json' };
      if (opts.ifMatch !== undefined) headers['if-match'] = toEtag(opts.ifMatch);
      const response = await send('PATCH', `${type}/${id}`, {
        body: JSON.stringify(patch),
        headers,
        signal: opts.signal,
      });
      return writeResult(response, type);
    },

    async operation<T extends Resource = Resource>(
      path: string,
      parameters?: Parameters,
      opts: { method?: 'GET' | 'POST'; signal?: AbortSignal } = {},
    ): Promise<T> {
      if (opts.method === 'GET') {
        const query = operationQuery(parameters);
        if (query === undefined) {
          throw refuse(
            'GET',
            path,
            'an operation over GET takes primitive parameters only (R4 operations.html#request)',
          );
        }
        const qs = query.toString();
        return expectResource<T>(await send('GET', qs === '' ? path : `${path}?${qs}`, opts), 'GET');
      }
      const body = parameters ?? { resourceType: 'Parameters' };
      return expectResource<T>(await send('POST', path, { body, signal: opts.signal }), 'POST');
    },

    request(method, path, opts) {
      return send(method, path, opts);
    },

    async close() {
      await agent?.close();
    },
  };
}

// R4 operations.html#request: GET is allowed when every parameter is a primitive, each sent as
// name=value. undefined when a parameter is a resource, a part list or a complex datatype.
function operationQuery(parameters: Parameters | undefined): URLSearchParams | undefined {
  const query = new URLSearchParams();
  for (const p of parameters?.parameter ?? []) {
    const value = primitiveValue(p);
    if (value === undefined) return undefined;
    query.append(p.name ?? '', value);
  }
  return query;
}

function primitiveValue(p: ParametersParameter): string | undefined {
  if (p.resource !== undefined || p.part !== undefined) return undefined;
  for (const [key, value] of Object.entries(p)) {
    if (!key.startsWith('value')) continue;
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;
  }
  return undefined;
}
