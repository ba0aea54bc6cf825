import { ApiException, FetchError } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubeError, classify, errorFromResponse, errorFromStatus, isKubeError, toKubeError } from './errors.js';

// Shaped like kube-apiserver's Status bodies; errors.int.test.ts checks the mapping against a real server.
const status = (code: number, reason: string, message: string, details: object = {}) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code });

const bodies = {
  notFound: status(404, 'NotFound', 'configmaps "nope" not found', { name: 'nope', kind: 'configmaps' }),
  alreadyExists: status(409, 'AlreadyExists', 'configmaps "a" already exists', { name: 'a', kind: 'configmaps' }),
  conflict: status(
    409,
    'Conflict',
    'Operation cannot be fulfilled on deliveries.sluice.dev "d1": the object has been modified; please apply your changes to the latest version and try again',
    { name: 'd1', group: 'sluice.dev', kind: 'deliveries' },
  ),
  forbidden: status(
    403,
    'Forbidden',
    'configmaps is forbidden: User "system:serviceaccount:t:nobody" cannot list resource "configmaps" in API group "" in the namespace "t"',
    { kind: 'configmaps' },
  ),
  quota: status(
    403,
    'Forbidden',
    'configmaps "c2" is forbidden: exceeded quota: cm-quota, requested: configmaps=1, used: configmaps=1, limited: configmaps=1',
    { name: 'c2', kind: 'configmaps' },
  ),
  invalid: status(422, 'Invalid', 'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters', {
    name: 'Bad_Name',
    kind: 'ConfigMap',
    causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "Bad_Name"', field: 'metadata.name' }],
  }),
  unavailable: status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'),
  expired: status(410, 'Expired', 'too old resource version: 1 (2403)'),
};

describe('errorFromResponse', () => {
  it.each([
    ['notFound', 404, 'NotFound'],
    ['alreadyExists', 409, 'AlreadyExists'],
    ['conflict', 409, 'Conflict'],
    ['forbidden', 403, 'Forbidden'],
    ['quota', 403, 'QuotaExceeded'],
    ['invalid', 422, 'Invalid'],
    ['unavailable', 503, 'Unavailable'],
    ['expired', 410, 'Unknown'],
  ] as const)('maps a %s Status to %s', (key, httpStatus, code) => {
    const err = errorFromResponse(httpStatus, bodies[key]);
    expect(err.code).toBe(code);
    expect(err.status).toBe(httpStatus);
    expect(err.message).toBe(JSON.parse(bodies[key]).message);
    expect(err.reason).toBe(JSON.parse(bodies[key]).reason);
  });

  it('keeps the quota rejection reason as Forbidden while classifying it QuotaExceeded', () => {
    const err = errorFromResponse(403, bodies.quota);
    expect(err.code).toBe('QuotaExceeded');
    expect(err.reason).toBe('Forbidden');
  });

  it('calls a server-side apply that does not fit the schema Invalid, though the server says 500', () => {
    const body = JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'failed to create typed patch object (ns/b; /v1, Kind=ConfigMap): .datta: field not declared in schema',
      code: 500,
    });
    expect(errorFromResponse(500, body).code).toBe('Invalid');
    expect(errorFromResponse(500, status(500, 'InternalError', 'etcdserver: request timed out')).code).toBe('Unavailable');
  });

  it('keeps the Status details, such as field causes of an Invalid', () => {
    const err = errorFromResponse(422, bodies.invalid);
    expect(err.details?.details?.causes?.[0]?.field).toBe('metadata.name');
  });

  it('falls back to the HTTP status when the body is not a Status', () => {
    expect(errorFromResponse(502, '<html>Bad Gateway</html>')).toMatchObject({ code: 'Unavailable', status: 502, message: '<html>Bad Gateway</html>' });
    expect(errorFromResponse(404, '')).toMatchObject({ code: 'NotFound', message: 'HTTP 404' });
    expect(errorFromResponse(401, '')).toMatchObject({ code: 'Forbidden' });
    expect(errorFromResponse(415, '')).toMatchObject({ code: 'Invalid' });
    expect(errorFromResponse(429, '')).toMatchObject({ code: 'Unavailable' });
    // What a watch on a just-deleted CRD gets: a plain-text 404 from the mux.
    expect(errorFromResponse(404, '404 page not found\n')).toMatchObject({ code: 'NotFound', message: '404 page not found\n' });
  });
});

describe('classify', () => {
  it('lets the reason decide between AlreadyExists and Conflict on a 409', () => {
    expect(classify(409, 'AlreadyExists')).toBe('AlreadyExists');
    expect(classify(409, 'Conflict')).toBe('Conflict');
    expect(classify(409)).toBe('Conflict');
  });

  it('does not call a 403 without the quota message QuotaExceeded', () => {
    expect(classify(403, 'Forbidden', 'pods "p" is forbidden: violates PodSecurity "restricted:latest"')).toBe('Forbidden');
  });
});

describe('toKubeError', () => {
  it('reads client-node ApiException, whose body is the Status as a JSON string', () => {
    const apiErr = new ApiException(404, 'Unknown API Status Code!', bodies.notFound, { 'content-type': 'application/json' });
    const err = toKubeError(apiErr);
    expect(err).toMatchObject({ code: 'NotFound', status: 404, message: 'configmaps "nope" not found' });
    expect(err.cause).toBe(apiErr);
  });

  it('reads the Watch error for a non-200 reply', () => {
    const err = toKubeError(Object.assign(new Error('Gone'), { statusCode: 410 }));
    expect(err).toMatchObject({ status: 410, code: 'Unknown', message: 'Gone' });
  });

  it('maps refused connections and aborts to Unavailable', () => {
    const refused = new FetchError('request to https://127.0.0.1:1/api failed, reason: connect ECONNREFUSED', 'system', {
      code: 'ECONNREFUSED',
    } as never);
    expect(toKubeError(refused).code).toBe('Unavailable');
    expect(toKubeError(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' })).code).toBe('Unavailable');
  });

  it('returns a KubeError unchanged and wraps anything else as Unknown', () => {
    const k = new KubeError('Conflict', 'x');
    expect(toKubeError(k)).toBe(k);
    expect(toKubeError('boom')).toMatchObject({ code: 'Unknown', message: 'boom' });
  });
});

describe('errorFromStatus and isKubeError', () => {
  it('classifies the Status of a watch ERROR event', () => {
    const err = errorFromStatus(JSON.parse(bodies.expired));
    expect(err).toMatchObject({ status: 410, reason: 'Expired', message: 'too old resource version: 1 (2403)' });
  });

  it('checks codes', () => {
    const err = errorFromResponse(404, bodies.notFound);
    expect(isKubeError(err)).toBe(true);
    expect(isKubeError(err, 'NotFound', 'Conflict')).toBe(true);
    expect(isKubeError(err, 'Conflict')).toBe(false);
    expect(isKubeError(new Error('x'))).toBe(false);
  });
});
