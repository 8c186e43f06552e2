// GraphQL over HTTP to the same origin, with the API key from sessionStorage
// as a bearer token. Typed by the generated TypedDocumentString.
import type { TypedDocumentString } from './gql/graphql';

const KEY = 'mms.studio.key';

export function getKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setKey(k: string | null): void {
  if (k) sessionStorage.setItem(KEY, k);
  else sessionStorage.removeItem(KEY);
}

/** An error from the API, with its code (UNAUTHENTICATED, CONFLICT, ...). */
export class ApiError extends Error {
  constructor(message: string, readonly code: string, readonly status = 200) {
    super(message);
  }
}

export async function gql<R, V>(doc: TypedDocumentString<R, V>, variables?: V, key = getKey()): Promise<R> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  return answer<R>(() => fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query: doc.toString(), variables: variables ?? {} }) }));
}

/** The data of a GraphQL response, or its first error as an ApiError. */
async function answer<R>(send: () => Promise<Response>): Promise<R> {
  let res: Response;
  try {
    res = await send();
  } catch (e) {
    throw new ApiError(`The server did not answer (${(e as Error).message}). Check your connection and try again.`, 'UNAVAILABLE', 0);
  }
  let body: { data?: R; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`The server answered ${res.status} without a GraphQL body.`, res.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL', res.status);
  }
  if (body.errors && body.errors.length > 0) {
    const e = body.errors[0];
    throw new ApiError(e.message, e.extensions?.code ?? (res.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL'), res.status);
  }
  if (!body.data) throw new ApiError(`The server answered ${res.status} without data.`, 'INTERNAL', res.status);
  return body.data;
}

/**
 * A GraphQL multipart request (operations, map, then the files): the one way
 * to send an Upload. `files` maps a variable path (e.g. "input.file") to a
 * file; those variables are sent as null, as the spec requires.
 */
export async function gqlUpload<R, V>(doc: TypedDocumentString<R, V>, variables: V, files: Record<string, File>, key = getKey()): Promise<R> {
  const form = new FormData();
  const paths = Object.keys(files);
  form.append('operations', JSON.stringify({ query: doc.toString(), variables }));
  form.append('map', JSON.stringify(Object.fromEntries(paths.map((p, i) => [String(i), [`variables.${p}`]]))));
  paths.forEach((p, i) => form.append(String(i), files[p], files[p].name));
  const headers: Record<string, string> = { Accept: 'application/graphql-response+json, application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  return answer<R>(() => fetch('/graphql', { method: 'POST', headers, body: form }));
}
