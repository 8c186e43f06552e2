// Live updates: a small graphql-transport-ws client (the protocol the server
// speaks on /graphql), and followJob, which follows a job through the
// jobUpdated subscription and falls back to polling job(id) when the socket
// cannot be used. Same origin only: ws(s)://<this host>/graphql.
import { ApiError, getKey, gql } from './api';
import type { StudioJobFieldsFragment, TypedDocumentString } from './gql/graphql';
import { JobQuery, JobUpdatedSubscription } from './ops';

/** What a subscription reports to. error and complete end it; at most one of them is called. */
export interface Sink<R> {
  next(data: R): void;
  error(e: ApiError): void;
  complete(): void;
}

/** The part of the browser's WebSocket used here (a test passes its own). */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type SocketFactory = (url: string, protocol: string) => SocketLike;

const browserSocket: SocketFactory = (url, protocol) => new WebSocket(url, protocol) as unknown as SocketLike;

/** The same-origin WebSocket URL of the GraphQL endpoint. */
export function graphqlSocketURL(loc: { protocol: string; host: string } = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/graphql`;
}

interface GraphQLErr { message: string; extensions?: { code?: string } }

/**
 * Runs one subscription on its own socket (graphql-transport-ws): connection_init
 * with the API key as {Authorization: "Bearer ..."} (browsers cannot set headers
 * on sockets), subscribe after connection_ack, next per event, complete at the
 * end; pings are answered. Returns a function that stops it (complete, then close).
 */
export function subscribe<R, V>(doc: TypedDocumentString<R, V>, variables: V, sink: Sink<R>,
  opts: { key?: string | null; url?: string; socket?: SocketFactory } = {}): () => void {
  const key = opts.key === undefined ? getKey() : opts.key;
  const ws = (opts.socket ?? browserSocket)(opts.url ?? graphqlSocketURL(), 'graphql-transport-ws');
  const id = '1';
  let done = false;
  const end = (f: () => void) => {
    if (done) return;
    done = true;
    f();
    try { ws.close(1000, 'Normal Closure'); } catch { /* already closed */ }
  };
  const send = (m: unknown) => ws.send(JSON.stringify(m));
  ws.onopen = () => send({ type: 'connection_init', payload: key ? { Authorization: `Bearer ${key}` } : {} });
  ws.onmessage = (ev) => {
    if (done) return;
    let m: { type?: string; id?: string; payload?: unknown };
    try { m = JSON.parse(String(ev.data)); } catch { return end(() => sink.error(new ApiError('The server sent a message that is not JSON.', 'INTERNAL'))); }
    switch (m.type) {
      case 'connection_ack':
        send({ id, type: 'subscribe', payload: { query: doc.toString(), variables } });
        return;
      case 'ping':
        send({ type: 'pong' });
        return;
      case 'next': {
        if (m.id !== id) return;
        const p = m.payload as { data?: R; errors?: GraphQLErr[] };
        if (p.errors?.length) return end(() => sink.error(new ApiError(p.errors![0].message, p.errors![0].extensions?.code ?? 'INTERNAL')));
        if (p.data) sink.next(p.data);
        return;
      }
      case 'error': {
        if (m.id !== id) return;
        const errs = (Array.isArray(m.payload) ? m.payload : [m.payload]) as GraphQLErr[];
        return end(() => sink.error(new ApiError(errs[0]?.message ?? 'The subscription failed.', errs[0]?.extensions?.code ?? 'INTERNAL')));
      }
      case 'complete':
        if (m.id === id) end(() => sink.complete());
        return;
    }
  };
  ws.onclose = (ev) => end(() => sink.error(new ApiError(`The live connection closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ''}).`,
    ev.code === 4401 || ev.code === 4403 ? 'UNAUTHENTICATED' : 'UNAVAILABLE')));
  ws.onerror = () => { /* onclose follows with the code */ };
  return () => end(() => { try { send({ id, type: 'complete' }); } catch { /* not open */ } });
}

export type Job = StudioJobFieldsFragment;

/** True for SUCCEEDED, FAILED and CANCELLED. */
export const isFinal = (j: Pick<Job, 'status'>) => j.status === 'SUCCEEDED' || j.status === 'FAILED' || j.status === 'CANCELLED';

/**
 * Follows a job until it is final: each state through onJob, with how it
 * arrived ('live' over the socket, 'poll' from job(id) once a second when the
 * socket could not be used). Returns a function that stops following.
 */
export function followJob(id: string, onJob: (j: Job, via: 'live' | 'poll') => void, onError: (e: ApiError) => void,
  opts: { socket?: SocketFactory; pollMs?: number } = {}): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: Job | null = null;
  const poll = async () => {
    if (stopped) return;
    try {
      const d = await gql(JobQuery, { id });
      if (stopped) return;
      if (!d.job) return onError(new ApiError(`Job ${id} is gone, or you may not see it.`, 'NOT_FOUND'));
      last = d.job;
      onJob(d.job, 'poll');
      if (!isFinal(d.job)) timer = setTimeout(poll, opts.pollMs ?? 1000);
    } catch (e) {
      onError(e as ApiError);
    }
  };
  const unsubscribe = subscribe(JobUpdatedSubscription, { id }, {
    next: (d) => { last = d.jobUpdated; if (!stopped) onJob(d.jobUpdated, 'live'); },
    // The stream ends when the job is final; a job already final may end it at once.
    complete: () => { if (!stopped && (!last || !isFinal(last))) poll(); },
    error: (e) => { if (stopped) return; if (e.code === 'UNAVAILABLE' || e.code === 'INTERNAL') poll(); else onError(e); },
  }, { socket: opts.socket });
  return () => { stopped = true; clearTimeout(timer); unsubscribe(); };
}
