import { describe, expect, it } from 'vitest';
import { annotatorRows, assigned } from './people';

describe('annotatorRows', () => {
  it('lists assigned annotators who saved nothing yet, beside those who did', () => {
    const rows = annotatorRows(['key:b', 'key:a'], [{ annotator: 'key:b', submitted: 3, drafts: 1, medianSeconds: 12 }]);
    expect(rows).toEqual([
      { annotator: 'key:a', submitted: 0, drafts: 0 },
      { annotator: 'key:b', submitted: 3, drafts: 1, medianSeconds: 12 },
    ]);
  });
  it('with no list (every annotator of the team), shows who saved', () => {
    expect(annotatorRows([], [{ annotator: 'key:c', submitted: 1, drafts: 0 }])).toEqual([{ annotator: 'key:c', submitted: 1, drafts: 0 }]);
  });
});

describe('assigned', () => {
  it('is true when the task lists the caller or lists nobody', () => {
    expect(assigned({ annotators: [] }, 'key:a')).toBe(true);
    expect(assigned({ annotators: ['key:a', 'key:b'] }, 'key:b')).toBe(true);
    expect(assigned({ annotators: ['key:a'] }, 'key:b')).toBe(false);
  });
});
