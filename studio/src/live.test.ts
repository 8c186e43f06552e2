import { describe, expect, it } from 'vitest';
import { graphqlSocketURL, subscribe, type SocketLike } from './live';
import { JobUpdatedSubscription } from './ops';

/** A socket whose server side the test plays, message by message. */
function scripted() {
  const sent: any[] = [];
  let closed: number | null = null;
  const s: SocketLike & { sent: any[]; closed: () => number | null; recv(m: unknown): void; url?: string; protocol?: string } = {
    sent, closed: () => closed,
    send: (d) => sent.push(JSON.parse(d)),
    close: (code) => { closed = code ?? 1000; },
    onopen: null, onmessage: null, onclose: null, onerror: null,
    recv(m) { s.onmessage!({ data: JSON.stringify(m) }); },
  };
  return s;
}

describe('graphql-transport-ws client', () => {
  it('inits with the key, subscribes after the ack, answers pings, delivers next and complete', () => {
    const s = scripted();
    const got: unknown[] = [];
    let completed = false;
    subscribe(JobUpdatedSubscription, { id: 'j1' }, { next: (d) => got.push(d), error: (e) => { throw e; }, complete: () => { completed = true; } },
      { key: 'mms_k', url: 'ws://h/graphql', socket: (url, protocol) => { s.url = url; s.protocol = protocol; return s; } });
    expect(s.protocol).toBe('graphql-transport-ws');
    s.onopen!({});
    expect(s.sent).toEqual([{ type: 'connection_init', payload: { Authorization: 'Bearer mms_k' } }]);
    s.recv({ type: 'connection_ack' });
    expect(s.sent[1].type).toBe('subscribe');
    expect(s.sent[1].payload.variables).toEqual({ id: 'j1' });
    expect(s.sent[1].payload.query).toContain('jobUpdated(id: $id)');
    expect(s.sent[1].payload.query).toContain('fragment StudioJobFields on Job');
    s.recv({ type: 'ping' });
    expect(s.sent[2]).toEqual({ type: 'pong' });
    s.recv({ id: '1', type: 'next', payload: { data: { jobUpdated: { id: 'j1', status: 'RUNNING' } } } });
    s.recv({ id: '2', type: 'next', payload: { data: { jobUpdated: { id: 'other' } } } });
    s.recv({ id: '1', type: 'complete' });
    expect(got).toEqual([{ jobUpdated: { id: 'j1', status: 'RUNNING' } }]);
    expect(completed).toBe(true);
    expect(s.closed()).toBe(1000);
  });
  it('reports an error payload with its code, and a close before the end as UNAVAILABLE', () => {
    const s = scripted();
    const errs: string[] = [];
    subscribe(JobUpdatedSubscription, { id: 'j' }, { next: () => {}, error: (e) => errs.push(`${e.code}: ${e.message}`), complete: () => errs.push('complete') }, { key: null, url: 'ws://h/graphql', socket: () => s });
    s.onopen!({});
    expect(s.sent[0]).toEqual({ type: 'connection_init', payload: {} });
    s.recv({ type: 'connection_ack' });
    s.recv({ id: '1', type: 'error', payload: [{ message: 'no job j', extensions: { code: 'NOT_FOUND' } }] });
    s.onclose!({ code: 1000, reason: '' }); // after the end: nothing more
    expect(errs).toEqual(['NOT_FOUND: no job j']);

    const t = scripted();
    const errs2: string[] = [];
    subscribe(JobUpdatedSubscription, { id: 'j' }, { next: () => {}, error: (e) => errs2.push(e.code), complete: () => {} }, { key: null, url: 'ws://h/graphql', socket: () => t });
    t.onclose!({ code: 1006, reason: '' });
    expect(errs2).toEqual(['UNAVAILABLE']);
  });
  it('stops: complete is sent and the socket closed, nothing delivered after', () => {
    const s = scripted();
    const got: unknown[] = [];
    const stop = subscribe(JobUpdatedSubscription, { id: 'j' }, { next: (d) => got.push(d), error: () => {}, complete: () => {} }, { key: null, url: 'ws://h/graphql', socket: () => s });
    s.onopen!({});
    s.recv({ type: 'connection_ack' });
    stop();
    expect(s.sent.at(-1)).toEqual({ id: '1', type: 'complete' });
    expect(s.closed()).toBe(1000);
    s.recv({ id: '1', type: 'next', payload: { data: { jobUpdated: {} } } });
    expect(got).toEqual([]);
  });
  it('builds a same-origin socket URL', () => {
    expect(graphqlSocketURL({ protocol: 'http:', host: 'localhost:8080' })).toBe('ws://localhost:8080/graphql');
    expect(graphqlSocketURL({ protocol: 'https:', host: 'mms.example' })).toBe('wss://mms.example/graphql');
  });
});
