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
  let res: Response;
  try {
    res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query: doc.toString(), variables: variables ?? {} }) });
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
