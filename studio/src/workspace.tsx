import { memo } from 'preact/compat';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, gql } from './api';
import type { StudioNextItemQuery } from './gql/graphql';
import { Link, type Me } from './main';
import { DecideMutation, NextItemQuery, SaveMutation, SchemaQuery, SkipMutation, TaskQuery } from './ops';
import { blocks, perBlock, segmentsIn } from './segments';
import { commandOf, SHORTCUTS } from './shortcuts';
import { init, reduce, relationTypesFor, selection, toInput, visibleRelations, type Action, type Schema, type Span, type State } from './state';

type Item = NonNullable<StudioNextItemQuery['nextAnnotationItem']>;
type Suggestion = Item['suggestions'][number];

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#ff7f0e'];
export const colorOf = (schema: Schema, label: string) => PALETTE[Math.max(0, schema.entities.indexOf(label)) % PALETTE.length];

interface Progress { mine: number; done: number; total: number }

/** How long the server holds an item for its annotator after they open it or save a draft (service.annotationLease). */
const LEASE_MS = 30 * 60 * 1000;


export function Workspace(props: { task: string; me: Me }) {
  const [schema, setSchema] = useState<Schema | null>(null);
  const [item, setItem] = useState<Item | null | undefined>(undefined);
  const [state, setState] = useState<State | null>(null);
  const [version, setVersion] = useState<number | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [guidelines, setGuidelines] = useState<string | null>(null);
  const [banner, setBanner] = useState<{ kind: 'conflict' | 'lease' | 'error' | 'info'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [help, setHelp] = useState(false);

  const loadProgress = useCallback(async () => {
    try {
      const d = await gql(TaskQuery, { task: props.task });
      const t = d.annotationTask;
      if (!t) return;
      const mine = t.stats.annotators.find((a) => a.annotator === props.me.id);
      setProgress({ mine: mine?.submitted ?? 0, done: t.stats.completeItems, total: t.items });
      setGuidelines(t.guidelines ?? null);
    } catch { /* progress is best effort */ }
  }, [props.task, props.me.id]);

  const loadItem = useCallback(async (sch: Schema) => {
    const d = await gql(NextItemQuery, { task: props.task });
    const it = d.nextAnnotationItem ?? null;
    setItem(it);
    setVersion(it?.annotation?.version ?? null);
    setState(it ? init(it.text, sch, it.annotation) : null);
    setBanner(null);
  }, [props.task]);

  useEffect(() => {
    (async () => {
      try {
        const t = await gql(TaskQuery, { task: props.task });
        if (!t.annotationTask) { setBanner({ kind: 'error', text: `There is no task ${props.task}, or you may not see it.` }); setItem(null); return; }
        const s = await gql(SchemaQuery, { id: t.annotationTask.schema });
        if (!s.labelSchema) { setBanner({ kind: 'error', text: `The task's label schema ${t.annotationTask.schema} cannot be read.` }); setItem(null); return; }
        const sch: Schema = s.labelSchema;
        setSchema(sch);
        await Promise.all([loadItem(sch), loadProgress()]);
      } catch (e) {
        setBanner({ kind: 'error', text: (e as Error).message });
        setItem(null);
      }
    })();
  }, [props.task]);

  const dispatch = useCallback((a: Action) => setState((s) => (s ? reduce(s, a) : s)), []);

  const explain = (e: unknown) => {
    const err = e as ApiError;
    if (err.code === 'CONFLICT') {
      setBanner({ kind: 'conflict', text: `This annotation was changed elsewhere since you loaded it (${err.message}). Reload to get the latest version; your unsaved changes here will be replaced.` });
    } else if (err.code === 'FORBIDDEN' && item?.leaseUntil && new Date(item.leaseUntil).getTime() < Date.now()) {
      setBanner({ kind: 'lease', text: `Your reservation of this item lapsed at ${new Date(item.leaseUntil).toLocaleTimeString()} (an item is held for ${LEASE_MS / 60000} minutes after you open it or save a draft), and it has gone to another annotator. Your changes were not saved. Reload for your next item.` });
    } else if (err.code === 'UNAUTHENTICATED') {
      setBanner({ kind: 'error', text: 'Your API key is no longer accepted (expired or revoked). Sign out and sign in with a valid key.' });
    } else {
      setBanner({ kind: 'error', text: err.message });
    }
  };

  const save = async (status: 'draft' | 'submitted') => {
    if (!state || !item || !schema || busy) return;
    let input;
    try {
      input = toInput(state);
    } catch (e) {
      setBanner({ kind: 'error', text: (e as Error).message });
      return;
    }
    setBusy(true);
    try {
      const r = await gql(SaveMutation, { input: { task: item.task, document: item.document, ...input, status, version } });
      setVersion(r.saveAnnotation.version);
      setState((s) => (s ? reduce(s, { type: 'saved' }) : s));
      if (status === 'submitted') {
        await loadItem(schema);
        setBanner({ kind: 'info', text: `Submitted ${item.document}.` });
        loadProgress();
      } else {
        // A draft renews the lease on the server (service.annotationLease).
        const until = new Date(Date.parse(r.saveAnnotation.updatedAt) + LEASE_MS).toISOString();
        setItem((it) => (it && it.document === item.document ? { ...it, leaseUntil: until } : it));
        setBanner({ kind: 'info', text: `Draft saved (version ${r.saveAnnotation.version}).` });
      }
    } catch (e) {
      explain(e);
    } finally {
      setBusy(false);
    }
  };

  const skip = async () => {
    if (!item || !schema || busy) return;
    setBusy(true);
    try {
      await gql(SkipMutation, { task: item.task, document: item.document });
      await loadItem(schema);
      setBanner({ kind: 'info', text: `Skipped ${item.document}.` });
    } catch (e) {
      explain(e);
    } finally {
      setBusy(false);
    }
  };

  const reload = async () => {
    if (!schema) return;
    setBusy(true);
    try { await loadItem(schema); } catch (e) { explain(e); } finally { setBusy(false); }
  };

  const decide = async (ids: string[], accept: boolean) => {
    if (!item || !state || busy || ids.length === 0) return;
    setBusy(true);
    try {
      let it: Item | null = null;
      for (const id of ids) {
        const r = await gql(DecideMutation, { task: item.task, document: item.document, suggestion: id, accept });
        it = r.decideSuggestion;
      }
      if (it) {
        const accepted = it.annotation?.spans.filter((sp) => ids.includes(sp.id)) ?? [];
        setItem(it);
        setVersion(it.annotation?.version ?? version);
        if (accepted.length) dispatch({ type: 'addSpans', spans: accepted });
      }
    } catch (e) {
      explain(e);
    } finally {
      setBusy(false);
    }
  };

  const pending = item?.suggestions.filter((s) => s.status === 'pending') ?? [];

  // keyboard
  const stateRef = useRef(state);
  stateRef.current = state;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = stateRef.current;
      const target = e.target as HTMLElement;
      const inText = target?.getAttribute?.('aria-label') === 'Document text';
      const tag = target?.tagName;
      if (!inText && (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA')) return;
      const cmd = commandOf(e);
      if (!cmd) return;
      if (help) { if (cmd.kind === 'escape' || cmd.kind === 'help') { setHelp(false); e.preventDefault(); } return; }
      if (!s || !schema) return;
      if ((cmd.kind === 'caret' || cmd.kind === 'caretEdge') && !inText) return;
      if ((cmd.kind === 'confirm') && !s.relHead) return; // Enter keeps activating buttons
      if ((cmd.kind === 'delete') && !inText && tag === 'BUTTON' && !s.selectedSpan && s.selectedRelation === null) return;
      e.preventDefault();
      switch (cmd.kind) {
        case 'caret': dispatch({ type: 'caret', delta: cmd.delta, extend: cmd.extend, word: cmd.word }); break;
        case 'caretEdge': dispatch({ type: 'caretEdge', end: cmd.end, extend: cmd.extend }); break;
        case 'label': {
          if (s.relHead && s.relTail) {
            const types = relationTypesFor(s, s.relHead, s.relTail);
            if (types[cmd.index]) dispatch({ type: 'addRelation', relType: types[cmd.index] });
          } else if (schema.entities[cmd.index]) labelWith(s, dispatch, schema.entities[cmd.index]);
          break;
        }
        case 'delete':
          if (s.selectedRelation !== null) dispatch({ type: 'deleteRelation', index: s.selectedRelation });
          else if (s.selectedSpan) dispatch({ type: 'deleteSpan', id: s.selectedSpan });
          break;
        case 'cycleSpan': dispatch({ type: 'cycleSpan', delta: cmd.delta }); break;
        case 'cycleRelation': dispatch({ type: 'cycleRelation', delta: cmd.delta }); break;
        case 'relation': dispatch({ type: 'startRelation' }); break;
        case 'event': {
          const sp = s.spans.find((x) => x.id === s.selectedSpan);
          const et = sp && schema.events.find((ev) => ev.trigger === sp.label);
          if (sp && et) dispatch({ type: 'addEvent', evType: et.name, trigger: sp.id });
          else dispatch({ type: 'error', message: 'Select a span whose label triggers an event type first.' });
          break;
        }
        case 'confirm': if (s.selectedSpan) dispatch({ type: 'setTail', id: s.selectedSpan }); break;
        case 'escape': dispatch({ type: 'escape' }); break;
        case 'help': setHelp(true); break;
        case 'accept': decide(cmd.all ? pending.map((p) => p.id) : pending.slice(0, 1).map((p) => p.id), true); break;
        case 'reject': decide(cmd.all ? pending.map((p) => p.id) : pending.slice(0, 1).map((p) => p.id), false); break;
        case 'save': save('draft'); break;
        case 'submit': save('submitted'); break;
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  // Draw again when the lease lapses, so the notice shows without an action.
  const [, setTick] = useState(0);
  useEffect(() => {
    const ms = item?.leaseUntil ? Date.parse(item.leaseUntil) - Date.now() : -1;
    if (ms < 0 || ms > 2 ** 31 - 1) return;
    const id = setTimeout(() => setTick((n) => n + 1), ms + 100);
    return () => clearTimeout(id);
  }, [item?.leaseUntil]);
  const leaseLapsed = item?.leaseUntil ? new Date(item.leaseUntil).getTime() < Date.now() : false;

  return (
    <main class="workspace">
      <div class="wsbar">
        <h1><Link href="/studio/">Tasks</Link> / {props.task}{item ? <span class="doc"> · document {item.document}</span> : null}</h1>
        {progress && (
          <p class="progress" aria-label="Progress">
            You: {progress.mine} submitted · Task: {progress.done} / {progress.total} items done
            <progress max={progress.total} value={progress.done} aria-label="Task items done" />
          </p>
        )}
        <button type="button" class="link" onClick={() => setHelp(true)} aria-keyshortcuts="?">Shortcuts (?)</button>
      </div>
      {guidelines && <details class="guidelines" open={progress?.mine === 0}><summary>Guidelines</summary><pre>{guidelines}</pre></details>}
      {item === undefined && <p>Loading your next item…</p>}
      {item === null && banner?.kind !== 'error' && (
        <div class="card"><h2>All done</h2><p>Nothing is left for you in this task. <Link href="/studio/">Back to your tasks</Link>.</p></div>
      )}
      {item && state && schema && (
        <Editor state={state} schema={schema} dispatch={dispatch} suggestions={pending} decide={decide} busy={busy} version={version}
          onSave={() => save('draft')} onSubmit={() => save('submitted')} onSkip={skip} />
      )}
      <div class="banners">
        {banner && (
          <div class={`banner ${banner.kind}`} role={banner.kind === 'info' ? 'status' : 'alert'}>
            <span>{banner.text}</span>
            {(banner.kind === 'conflict' || banner.kind === 'lease') && <button type="button" onClick={reload}>Reload</button>}
            <button type="button" class="link" onClick={() => setBanner(null)} aria-label="Dismiss message">×</button>
          </div>
        )}
        {leaseLapsed && !banner && (
          <div class="banner lease" role="alert">Your reservation of this item lapsed at {new Date(item!.leaseUntil!).toLocaleTimeString()}: another annotator may take it. Save now to keep it if it is still yours, or reload.</div>
        )}
      </div>
      {help && <Help onClose={() => setHelp(false)} />}
    </main>
  );
}

function Help(props: { onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => { ref.current?.querySelector('button')?.focus(); }, []);
  return (
    <div class="modal-bg" onClick={props.onClose}>
      <div class="modal" role="dialog" aria-modal="true" aria-labelledby="help-title" ref={ref} onClick={(e) => e.stopPropagation()}>
        <h2 id="help-title">Keyboard shortcuts</h2>
        <table class="grid">
          <thead><tr><th scope="col">Keys</th><th scope="col">Action</th></tr></thead>
          <tbody>{SHORTCUTS.map(([k, w]) => <tr key={k}><td><kbd>{k}</kbd></td><td>{w}</td></tr>)}</tbody>
        </table>
        <button type="button" onClick={props.onClose}>Close</button>
      </div>
    </div>
  );
}

interface EditorProps {
  state: State;
  schema: Schema;
  dispatch: (a: Action) => void;
  suggestions: Suggestion[];
  decide: (ids: string[], accept: boolean) => void;
  busy: boolean;
  /** The saved annotation's version; null before the first save. */
  version: number | null;
  onSave: () => void;
  onSubmit: () => void;
  onSkip: () => void;
}

function Editor({ state, schema, dispatch, suggestions, decide, busy, version, onSave, onSubmit, onSkip }: EditorProps) {
  const [sst, sen] = selection(state);
  const selSpan = state.spans.find((x) => x.id === state.selectedSpan) ?? null;
  const relTypes = state.relHead && state.relTail ? relationTypesFor(state, state.relHead, state.relTail) : [];
  const spanById = useMemo(() => new Map(state.spans.map((x) => [x.id, x])), [state.spans]);
  const spanName = (id: string) => { const x = spanById.get(id); return x ? `${x.label} “${x.text}”` : id; };
  const eventTypes = selSpan ? schema.events.filter((e) => e.trigger === selSpan.label) : [];
  return (
    <div class="editor">
      <section class="labels" aria-label="Entity labels">
        {schema.entities.map((l, i) => (
          <span class="lbl" key={l}>
            {i < 10 && <kbd aria-hidden="true">{(i + 1) % 10}</kbd>}
            <button type="button" aria-keyshortcuts={i < 10 ? String((i + 1) % 10) : undefined}
              class={selSpan?.label === l ? 'label on' : 'label'} style={{ '--c': colorOf(schema, l) }}
              onMouseDown={(e) => e.preventDefault()} onClick={() => labelWith(state, dispatch, l)}>{l}</button>
          </span>
        ))}
        <span class="hint" aria-live="polite">
          {state.relHead
            ? state.relTail ? 'Choose the relation type.' : `Relation from ${spanName(state.relHead)}: pick the tail span (click it, or ] [ then Enter).`
            : sen > sst ? `Selected “${state.idx.slice(sst, sen)}” [${sst}, ${sen}): choose a label.`
            : selSpan ? `Span ${selSpan.id}: ${selSpan.label} “${selSpan.text}” [${selSpan.start}, ${selSpan.end})` : 'Select text, then a label.'}
        </span>
      </section>
      {state.error && <p class="error" role="alert">{state.error}</p>}
      <div class="cols">
        <DocText state={state} schema={schema} dispatch={dispatch} suggestions={suggestions} />
        <aside class="side">
          {selSpan && (
            <section aria-labelledby="span-h">
              <h2 id="span-h">Selected span</h2>
              <p><span class="chip" style={{ '--c': colorOf(schema, selSpan.label) }}>{selSpan.label}</span> “{selSpan.text}” <small>[{selSpan.start}, {selSpan.end})</small></p>
              <div class="row">
                <button type="button" onClick={() => dispatch({ type: 'deleteSpan', id: selSpan.id })} aria-keyshortcuts="Delete">Delete span</button>
                {schema.relations.length > 0 && !state.relHead && <button type="button" onClick={() => dispatch({ type: 'startRelation' })} aria-keyshortcuts="r">Start relation</button>}
                {eventTypes.map((et) => <button type="button" key={et.name} onClick={() => dispatch({ type: 'addEvent', evType: et.name, trigger: selSpan.id })}>Add {et.name} event</button>)}
              </div>
              <p class="hint">Relabel: press a label button or its number.</p>
            </section>
          )}
          {state.relHead && (
            <section aria-labelledby="rel-new-h" class="relnew">
              <h2 id="rel-new-h">New relation</h2>
              <p>Head: {spanName(state.relHead)}<br />Tail: {state.relTail ? spanName(state.relTail) : <em>pick a span</em>}</p>
              {state.relTail && relTypes.length === 0 && <p class="error">No relation type allows {spanName(state.relHead)} → {spanName(state.relTail)}.</p>}
              <div class="row">
                {relTypes.map((t, i) => <button type="button" key={t} aria-keyshortcuts={String(i + 1)} onClick={() => dispatch({ type: 'addRelation', relType: t })}>{t}</button>)}
                {!state.relTail && state.selectedSpan && state.selectedSpan !== state.relHead && <button type="button" onClick={() => dispatch({ type: 'setTail', id: state.selectedSpan! })}>Use as tail</button>}
                <button type="button" class="link" onClick={() => dispatch({ type: 'escape' })}>Cancel</button>
              </div>
            </section>
          )}
          {schema.relations.length > 0 && (
            <section aria-labelledby="rels-h">
              <h2 id="rels-h">Relations <small>({state.relations.length})</small></h2>
              <label class="check"><input type="checkbox" checked={state.filterRelations} onChange={(e) => dispatch({ type: 'filterRelations', on: (e.target as HTMLInputElement).checked })} /> Only the selected span's</label>
              <RelationList state={state} dispatch={dispatch} relations={state.relations} spans={state.spans}
                selectedSpan={state.selectedSpan} filter={state.filterRelations} selectedRelation={state.selectedRelation} />
            </section>
          )}
          {(state.events.length > 0 || schema.events.length > 0) && (
            <section aria-labelledby="ev-h">
              <h2 id="ev-h">Events <small>({state.events.length})</small></h2>
              {state.events.length === 0 && <p class="hint">Select a trigger span ({schema.events.map((e) => `${e.trigger} for ${e.name}`).join(', ')}) and press e.</p>}
              {state.events.map((ev, i) => {
                const et = schema.events.find((e) => e.name === ev.type);
                return (
                  <fieldset key={i} class="event">
                    <legend>{ev.type}: {spanName(ev.trigger)}</legend>
                    {et?.roles.map((role) => {
                      const cur = ev.arguments.find((g) => g.role === role.name)?.span ?? '';
                      const opts = state.spans.filter((x) => x.id !== ev.trigger && (role.labels.length === 0 || role.labels.includes(x.label)));
                      const id = `ev${i}-${role.name}`;
                      return (
                        <div key={role.name} class="role">
                          <label for={id}>{role.name}</label>
                          <select id={id} value={cur} onChange={(e) => dispatch({ type: 'setEventArg', index: i, role: role.name, span: (e.target as HTMLSelectElement).value || null })}>
                            <option value="">—</option>
                            {opts.map((x) => <option key={x.id} value={x.id}>{x.label} “{x.text}”</option>)}
                          </select>
                        </div>
                      );
                    })}
                    <button type="button" class="link" onClick={() => dispatch({ type: 'deleteEvent', index: i })}>Delete event</button>
                  </fieldset>
                );
              })}
            </section>
          )}
          {schema.classes.length > 0 && (
            <section aria-labelledby="cls-h">
              <h2 id="cls-h">Document {schema.multiLabel ? 'labels' : 'label'}</h2>
              <div class="row" role="group" aria-labelledby="cls-h">
                {schema.classes.map((c) => (
                  <button type="button" key={c} class="toggle" aria-pressed={state.labels.includes(c)} onClick={() => dispatch({ type: 'toggleClass', name: c })}>{c}</button>
                ))}
              </div>
            </section>
          )}
          {suggestions.length > 0 && (
            <section aria-labelledby="sug-h">
              <h2 id="sug-h">Suggestions <small>({suggestions.length})</small></h2>
              <div class="row">
                <button type="button" disabled={busy} onClick={() => decide(suggestions.map((s) => s.id), true)} aria-keyshortcuts="Shift+A">Accept all</button>
                <button type="button" disabled={busy} onClick={() => decide(suggestions.map((s) => s.id), false)} aria-keyshortcuts="Shift+X">Reject all</button>
              </div>
              <ul class="sugs">
                {suggestions.map((s) => (
                  <li key={s.id}>
                    <span class="chip sug" style={{ '--c': colorOf(schema, s.span.label) }}>{s.span.label}</span> <span class="t">“{s.span.text}”</span> <small>{s.source}: {s.rule}</small>
                    <button type="button" disabled={busy} aria-label={`Accept ${s.span.label} “${s.span.text}”`} onClick={() => decide([s.id], true)}>Accept</button>
                    <button type="button" disabled={busy} aria-label={`Reject ${s.span.label} “${s.span.text}”`} onClick={() => decide([s.id], false)}>Reject</button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section aria-labelledby="spans-h">
            <h2 id="spans-h">Spans <small>({state.spans.length})</small></h2>
            <SpanList spans={state.spans} schema={schema} selected={state.selectedSpan} dispatch={dispatch} />
          </section>
        </aside>
      </div>
      <footer class="actions">
        <span class="dirty" aria-live="polite">{state.dirty ? 'Unsaved changes' : version == null ? 'Nothing saved yet' : `Saved (version ${version})`}</span>
        <button type="button" disabled={busy} onClick={onSave} aria-keyshortcuts="Control+S">Save draft</button>
        <button type="button" disabled={busy} onClick={onSkip}>Skip</button>
        <button type="button" class="primary" disabled={busy} onClick={onSubmit} aria-keyshortcuts="Control+Enter">Submit</button>
      </footer>
    </div>
  );
}

/**
 * Relations beside the text, filtered to the selected span when asked. Every
 * row stays in the DOM and the filter only hides rows, so selecting a span in a
 * long document changes attributes, not the list.
 */
const RelationList = memo(function RelationList(p: {
  state: State; dispatch: (a: Action) => void; relations: State['relations']; spans: Span[];
  selectedSpan: string | null; filter: boolean; selectedRelation: number | null;
}) {
  const byId = useMemo(() => new Map(p.spans.map((x) => [x.id, x])), [p.spans]);
  const name = (id: string) => { const x = byId.get(id); return x ? `${x.label} “${x.text}”` : id; };
  const shown = new Set(visibleRelations(p.state).map(([, i]) => i));
  return (
    <>
      {shown.size === 0 && <p class="hint">None{p.filter && p.selectedSpan ? ' for this span' : ''}. Select a span and press r.</p>}
      <ul class="rels" hidden={shown.size === 0}>
        {p.relations.map((r, i) => (
          <RelRow key={`${r.type}|${r.head}|${r.tail}`} i={i} type={r.type} head={name(r.head)} tail={name(r.tail)}
            on={p.selectedRelation === i} hidden={!shown.has(i)} dispatch={p.dispatch} />
        ))}
      </ul>
    </>
  );
}, (a, b) => a.relations === b.relations && a.spans === b.spans && a.selectedSpan === b.selectedSpan && a.filter === b.filter && a.selectedRelation === b.selectedRelation);

const RelRow = memo(function RelRow(p: { i: number; type: string; head: string; tail: string; on: boolean; hidden: boolean; dispatch: (a: Action) => void }) {
  return (
    <li class={p.on ? 'on' : ''} hidden={p.hidden}>
      <button type="button" class="rel" aria-pressed={p.on} onClick={() => p.dispatch({ type: 'selectRelation', index: p.i })}>
        {p.head} <b>—{p.type}→</b> {p.tail}
      </button>
      <button type="button" class="link" aria-label={`Delete relation ${p.type} from ${p.head} to ${p.tail}`} onClick={() => p.dispatch({ type: 'deleteRelation', index: p.i })}>×</button>
    </li>
  );
});

const SpanList = memo(function SpanList(props: { spans: Span[]; schema: Schema; selected: string | null; dispatch: (a: Action) => void }) {
  return (
    <ul class="spans">
      {props.spans.map((x) => (
        <SpanRow key={x.id} id={x.id} label={x.label} text={x.text} color={colorOf(props.schema, x.label)} on={props.selected === x.id} dispatch={props.dispatch} />
      ))}
    </ul>
  );
});

const SpanRow = memo(function SpanRow(p: { id: string; label: string; text: string; color: string; on: boolean; dispatch: (a: Action) => void }) {
  return (
    <li>
      <button type="button" class={p.on ? 'span on' : 'span'} aria-pressed={p.on} onClick={() => p.dispatch({ type: 'selectSpan', id: p.id })}>
        <span class="chip" style={`--c:${p.color}`}>{p.label}</span> {p.text}
      </button>
    </li>
  );
});

/** DOM position (UTF-16, from the start of the text) of a node + offset inside the Document text element. */
function domUnits(root: HTMLElement, units: number, node: Node, off: number): number | null {
  if (!root.contains(node)) return null;
  if (node.nodeType === Node.TEXT_NODE) {
    const seg = (node.parentElement as HTMLElement).closest('[data-u]') as HTMLElement | null;
    return seg ? Number(seg.dataset.u) + off : null;
  }
  const el = node as HTMLElement;
  const seg = el.closest('[data-u]') as HTMLElement | null;
  if (seg) {
    // an element offset inside a run: count the text of the children before it
    let n = 0;
    for (let k = 0; k < off && k < seg.childNodes.length; k++) n += (seg.childNodes[k].textContent ?? '').length;
    return Number(seg.dataset.u) + n;
  }
  const child = el.childNodes[off] as HTMLElement | undefined;
  if (child && child.dataset?.u !== undefined) return Number(child.dataset.u);
  return off === 0 ? 0 : units;
}

/**
 * The browser's own selection inside the Document text (made by a mouse drag,
 * a double click or a script), as a snapped code point range; null if none.
 * Label buttons and number keys read it, so a selection that did not end with
 * a mouse-up in the text still counts.
 */
function nativeSelection(idx: State['idx']): [number, number] | null {
  const root = document.querySelector('[aria-label="Document text"]') as HTMLElement | null;
  const sel = getSelection();
  if (!root || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const a = domUnits(root, idx.text.length, sel.anchorNode!, sel.anchorOffset), f = domUnits(root, idx.text.length, sel.focusNode!, sel.focusOffset);
  if (a === null || f === null || a === f) return null;
  sel.removeAllRanges();
  return idx.selectionFromUnits(a, f);
}

/** Label (or relabel): a native selection in the text first becomes the Studio's selection. */
function labelWith(state: State, dispatch: (a: Action) => void, label: string) {
  const ns = nativeSelection(state.idx);
  if (ns) dispatch({ type: 'select', anchor: ns[0], focus: ns[1] });
  dispatch({ type: 'label', label });
}

/** One run of the text; props are strings so that unchanged runs skip rendering. */
const Seg = memo(function Seg(p: { u: number; cls: string; style?: string; tags: string; title?: string; caret: boolean; text: string }) {
  return (
    <span data-u={p.u} class={p.cls} style={p.style} data-tags={p.tags || undefined} title={p.title}>
      {p.caret && <span class="caret" aria-hidden="true" />}{p.text}
    </span>
  );
});

/** What one block of the text draws: only its own part of the state, so that equal props mean an unchanged block. */
interface BlockProps {
  idx: State['idx'];
  schema: Schema;
  start: number;
  end: number;
  /** The spans overlapping the block, in the state's order. */
  spans: Span[];
  sugs: { start: number; end: number }[];
  /** The selection clipped to the block; equal when it misses the block. */
  selStart: number;
  selEnd: number;
  /** The caret, or -1 when it is not in [start, end). */
  focus: number;
  /** The selected span and the relation's head when among spans, else null. */
  selected: string | null;
  head: string | null;
  /** The selected relation's ends among spans. */
  related: string[];
}

function sameBlock(a: BlockProps, b: BlockProps): boolean {
  return a.idx === b.idx && a.schema === b.schema && a.start === b.start && a.end === b.end &&
    a.selStart === b.selStart && a.selEnd === b.selEnd && a.focus === b.focus &&
    a.selected === b.selected && a.head === b.head &&
    sameItems(a.related, b.related) && sameItems(a.spans, b.spans) &&
    a.sugs.length === b.sugs.length && a.sugs.every((r, k) => r.start === b.sugs[k].start && r.end === b.sugs[k].end);
}

function sameItems<T>(a: T[], b: T[]): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

/**
 * One block of the text, [start, end) in code points, segmented on its own
 * (segmentsIn): an action redraws the blocks whose props it changes, and the
 * others skip rendering, so a long document costs per change, not per length.
 */
const Block = memo(function Block(p: BlockProps) {
  const segs = segmentsIn(p.start, p.end, p.spans, p.sugs, { start: p.selStart, end: p.selEnd }, p.focus >= 0 ? [p.focus] : []);
  return (
    <div class="block" data-u={p.idx.toUnits(p.start)}>{segs.map((g) => {
      const cls = ['seg'];
      let style: string | undefined;
      let title: string | undefined;
      if (g.cover.length) {
        cls.push('hl');
        const inner = p.spans[g.cover[g.cover.length - 1]];
        let shadows = '';
        for (let d = g.cover.length - 1; d >= 0; d--) shadows += `${shadows ? ',' : ''}inset 0 -${(d + 1) * 3}px 0 ${colorOf(p.schema, p.spans[g.cover[d]].label)}`;
        style = `background:${colorOf(p.schema, inner.label)}26;box-shadow:${shadows};padding-bottom:${g.cover.length * 3}px`;
        title = '';
        for (const k of g.cover) {
          const sp = p.spans[k];
          title += `${title ? ', ' : ''}${sp.label} (${sp.id})`;
          if (sp.id === p.selected) cls.push('selspan');
          if (p.related.includes(sp.id)) cls.push('related');
          if (sp.id === p.head) cls.push('head');
        }
      }
      if (g.sug) cls.push('sug');
      if (g.sel) cls.push('sel');
      let tags = '';
      for (let k = g.ends.length - 1; k >= 0; k--) tags += `${tags ? ' · ' : ''}${p.spans[g.ends[k]].label}`;
      return <Seg key={g.start} u={p.idx.toUnits(g.start)} cls={cls.join(' ')} style={style} tags={tags} title={title}
        caret={g.start === p.focus} text={p.idx.slice(g.start, g.end)} />;
    })}</div>
  );
}, sameBlock);

/** The document text: runs of text with stacked highlights, a caret and the selection. */
function DocText(props: { state: State; schema: Schema; dispatch: (a: Action) => void; suggestions: Suggestion[] }) {
  const { state, schema, dispatch } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [sst, sen] = selection(state);
  const sugRanges = useMemo(() => props.suggestions.map((s) => ({ start: s.span.start, end: s.span.end })), [props.suggestions]);
  const cuts = useMemo(() => blocks(state.idx.text, (u) => state.idx.toPoints(u), (c) => state.idx.floor(c)), [state.idx]);
  const spansIn = useMemo(() => perBlock(cuts, state.spans), [cuts, state.spans]);
  const sugsIn = useMemo(() => perBlock(cuts, sugRanges), [cuts, sugRanges]);
  const related = useMemo(() => {
    const r = state.selectedRelation !== null ? state.relations[state.selectedRelation] : undefined;
    return r ? [r.head, r.tail] : [];
  }, [state.relations, state.selectedRelation]);

  const unitsOf = (node: Node, off: number) => domUnits(ref.current!, state.idx.text.length, node, off);

  const onMouseUp = (e: MouseEvent) => {
    const sel = getSelection();
    if (!sel || sel.rangeCount === 0) return;
    const a = unitsOf(sel.anchorNode!, sel.anchorOffset), f = unitsOf(sel.focusNode!, sel.focusOffset);
    if (a === null || f === null) return;
    if (a !== f) {
      const [s, en] = state.idx.selectionFromUnits(a, f);
      sel.removeAllRanges();
      dispatch({ type: 'select', anchor: s, focus: en });
      return;
    }
    // a click: select the innermost span there (again: the next one out), else move the caret
    const seg = (e.target as HTMLElement).closest('.seg') as HTMLElement | null;
    const at0 = seg ? state.idx.toPoints(Number(seg.dataset.u)) : -1;
    // the spans covering the run, outermost first: the state's order
    const cover = state.spans.filter((x) => x.start <= at0 && x.end > at0);
    if (cover.length > 0) {
      const ids = cover.map((x) => x.id).reverse(); // innermost first
      const at = state.selectedSpan ? ids.indexOf(state.selectedSpan) : -1;
      dispatch({ type: 'selectSpan', id: ids[(at + 1) % ids.length] });
    } else {
      const p = state.idx.toPoints(a);
      dispatch({ type: 'select', anchor: p, focus: p });
    }
  };

  return (
    <>
    <div class="doctext" ref={ref} tabIndex={0} role="textbox" aria-readonly="true" aria-multiline="true" aria-label="Document text"
      aria-describedby="doctext-help" onMouseUp={onMouseUp}>
      {spansIn.map((spans, b) => {
        const start = cuts[b], end = cuts[b + 1];
        const own = (id: string | null) => (id !== null && spans.some((x) => x.id === id) ? id : null);
        const clip = sen > sst && sst < end && sen > start;
        return (
          <Block key={start} idx={state.idx} schema={schema} start={start} end={end} spans={spans} sugs={sugsIn[b]}
            selStart={clip ? Math.max(sst, start) : 0} selEnd={clip ? Math.min(sen, end) : 0}
            focus={state.focus >= start && state.focus < end ? state.focus : -1}
            selected={own(state.selectedSpan)} head={own(state.relHead)} related={related.filter((id) => own(id) !== null)} />
        );
      })}
      {state.focus === state.idx.length && <span class="caret" aria-hidden="true" />}
    </div>
    <p id="doctext-help" class="sr-only">Move with the arrow keys, select with Shift and the arrow keys, then press a label's number. Press question mark for all shortcuts.</p>
    </>
  );
}
