// /studio/new-dataset: create an empty dataset in the caller's team (owners,
// editors; admins choose the team from teams), then add data on its page.
import { useEffect, useState } from 'preact/hooks';
import { gql } from './api';
import { datasetInput, slugProblem, type DatasetForm } from './create';
import { abilities } from './roles';
import { Link, navigate, type Me } from './main';
import type { StudioTeamsQuery } from './gql/graphql';
import { CreateDatasetMutation, TeamsQuery } from './ops';

export function NewDataset(props: { me: Me }) {
  const admin = props.me.role === 'ADMIN';
  const [f, setF] = useState<DatasetForm>({ id: '', name: '', description: '', keyField: '', team: props.me.team ?? '' });
  const [tried, setTried] = useState(false); // after a first submit, what to fix is shown as the form changes
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [teams, setTeams] = useState<StudioTeamsQuery['teams'] | null>(null); // an admin's choice
  const [teamsError, setTeamsError] = useState<string | null>(null);
  useEffect(() => {
    if (admin) gql(TeamsQuery).then((d) => setTeams(d.teams)).catch((e) => setTeamsError(`The teams could not be listed: ${(e as Error).message}`));
  }, [admin]);
  const set = (k: keyof DatasetForm) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  if (!abilities(props.me.role).write) {
    return <main class="page"><h1>New dataset</h1><p>Team owners and editors create datasets; your role is {props.me.role ?? 'none'}. <Link href="/studio/datasets">Back to the datasets</Link>.</p></main>;
  }
  const idProblem = f.id.trim() ? slugProblem('dataset', f.id.trim()) : null;
  const planned = datasetInput(f);
  const problems = tried && 'problems' in planned ? planned.problems : [];
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setTried(true);
    const r = datasetInput(f);
    if ('problems' in r) return;
    setBusy(true);
    try {
      const d = await gql(CreateDatasetMutation, { input: r.input });
      navigate(`/studio/datasets/${encodeURIComponent(d.createDataset.id)}`);
    } catch (err) {
      setError(`The dataset was not created: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="page">
      <h1><Link href="/studio/datasets">Datasets</Link> / New dataset</h1>
      <p class="hint">An empty dataset{props.me.team ? <> of team <b>{props.me.team}</b></> : ''}. Its page then takes a file (CSV, NDJSON or JSON): the first upload's columns become the schema.</p>
      <form class="create" onSubmit={submit} noValidate>
        <Field id="ds-id" label="Id" hint="Lower-case letters, digits, - and _, at most 63 characters, e.g. weibo-posts. It cannot be changed later." problem={idProblem}>
          <input id="ds-id" value={f.id} onInput={set('id')} autocomplete="off" spellcheck={false} aria-invalid={idProblem ? 'true' : undefined} aria-describedby="ds-id-hint" />
        </Field>
        <Field id="ds-name" label="Name"><input id="ds-name" value={f.name} onInput={set('name')} /></Field>
        <Field id="ds-desc" label="Description (optional)"><textarea id="ds-desc" rows={3} value={f.description} onInput={set('description')} /></Field>
        <Field id="ds-key" label="Key field (optional)" hint="The column whose value keys each document, e.g. id: a row uploaded again with the same key updates its document. Empty: keys are source:row.">
          <input id="ds-key" value={f.keyField} onInput={set('keyField')} autocomplete="off" spellcheck={false} aria-describedby="ds-key-hint" />
        </Field>
        {admin && (
          <Field id="ds-team" label="Team" problem={teamsError ?? (teams && !teams.length ? 'There are no teams yet: create one first (createTeam).' : null)}
            hint="The team that owns the dataset (an administrator has no team of its own).">
            <select id="ds-team" value={f.team} onChange={set('team')} aria-describedby="ds-team-hint">
              <option value="">{teams ? '(choose)' : 'Loading…'}</option>
              {teams?.map((t) => <option key={t.id} value={t.id}>{t.name && t.name !== t.id ? `${t.name} (${t.id})` : t.id}</option>)}
            </select>
          </Field>
        )}
        <button type="submit" class="primary" disabled={busy}>Create dataset</button>
        {problems.length > 0 && <div role="alert" class="error"><p>Fix these first:</p><ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul></div>}
        {error && <p role="alert" class="error">{error}</p>}
      </form>
    </main>
  );
}

/**
 * A labelled control with an optional hint (id-hint), replaced by problem
 * when there is one; the child control carries id and aria-describedby.
 */
export function Field(props: { id: string; label: string; hint?: string; problem?: string | null; children: preact.ComponentChildren }) {
  const text = props.problem ?? props.hint;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {text && <span id={`${props.id}-hint`} class={props.problem ? 'error' : 'hint'}>{text}</span>}
    </div>
  );
}
