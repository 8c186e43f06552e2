import { useEffect, useState } from 'preact/hooks';
import { gql } from './api';
import { assigned } from './people';
import { abilities } from './roles';
import { Link, type Me } from './main';
import { TasksQuery } from './ops';
import type { StudioTasksQuery } from './gql/graphql';

type Task = StudioTasksQuery['annotationTasks']['edges'][number]['node'];

export function Tasks(props: { me: Me }) {
  const { review: canReview, write: canCreate } = abilities(props.me.role);
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    gql(TasksQuery).then((d) => setTasks(d.annotationTasks.edges.map((e) => e.node))).catch((e) => setError(e.message));
  }, []);
  return (
    <main class="page">
      <h1>Annotation tasks</h1>
      {canCreate && <p><Link href="/studio/new-task" class="button">New task</Link></p>}
      {error && <p class="error" role="alert">{error}</p>}
      {!tasks && !error && <p>Loading…</p>}
      {tasks && tasks.length === 0 && (
        <p>No annotation tasks for you yet. {canCreate
          ? <>Create one from a dataset with <Link href="/studio/new-task">New task</Link>.</>
          : 'Your team\'s owners and editors create them and assign them to you; ask them if you expected one here.'}</p>
      )}
      {tasks && tasks.length > 0 && (
        <table class="grid">
          <thead><tr><th scope="col">Task</th><th scope="col">Dataset</th><th scope="col">Label schema</th><th scope="col">Items</th><th scope="col">Overlap</th><th scope="col">Review</th></tr></thead>
          <tbody>
            {tasks.map((t) => (
              <tr key={t.id}>
                <td>{assigned(t, props.me.id)
                  ? <Link href={`/studio/tasks/${encodeURIComponent(t.id)}`}>{t.id}</Link>
                  : <>{t.id} <span class="hint">not assigned to you</span></>}</td>
                <td>{t.dataset}</td><td>{t.schema}</td><td>{t.items}</td><td>{t.overlap}</td>
                <td>{canReview ? <Link href={`/studio/tasks/${encodeURIComponent(t.id)}/review`}>Progress and agreement<span class="sr-only"> of {t.id}</span></Link> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
