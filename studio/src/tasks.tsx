import { useEffect, useState } from 'preact/hooks';
import { gql } from './api';
import { Link, type Me } from './main';
import { TasksQuery } from './ops';
import type { StudioTasksQuery } from './gql/graphql';

type Task = StudioTasksQuery['annotationTasks']['edges'][number]['node'];

export function Tasks(props: { me: Me }) {
  // review (agreement, exports) is for editors, owners and admins
  const canReview = props.me.role !== 'ANNOTATOR' && props.me.role !== 'VIEWER';
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    gql(TasksQuery).then((d) => setTasks(d.annotationTasks.edges.map((e) => e.node))).catch((e) => setError(e.message));
  }, []);
  return (
    <main class="page">
      <h1>Annotation tasks</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {!tasks && !error && <p>Loading…</p>}
      {tasks && tasks.length === 0 && <p>No annotation tasks for you yet. A team owner creates them with createAnnotationTask.</p>}
      {tasks && tasks.length > 0 && (
        <table class="grid">
          <thead><tr><th scope="col">Task</th><th scope="col">Dataset</th><th scope="col">Label schema</th><th scope="col">Items</th><th scope="col">Overlap</th><th scope="col">Review</th></tr></thead>
          <tbody>
            {tasks.map((t) => (
              <tr key={t.id}>
                <td><Link href={`/studio/tasks/${encodeURIComponent(t.id)}`}>{t.id}</Link></td>
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
