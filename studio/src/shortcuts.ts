// Keyboard shortcuts of the annotation workspace: one table, used both to
// handle keys and to list them on "?".

export type Command =
  | { kind: 'label'; index: number } // number keys 1..9, 0 = 10th
  | { kind: 'caret'; delta: -1 | 1; extend: boolean; word?: boolean }
  | { kind: 'caretEdge'; end: boolean; extend: boolean }
  | { kind: 'delete' }
  | { kind: 'cycleSpan'; delta: -1 | 1 }
  | { kind: 'cycleRelation'; delta: -1 | 1 }
  | { kind: 'relation' }
  | { kind: 'event' }
  | { kind: 'confirm' }
  | { kind: 'escape' }
  | { kind: 'help' }
  | { kind: 'accept'; all: boolean }
  | { kind: 'reject'; all: boolean }
  | { kind: 'save' }
  | { kind: 'submit' };

export interface KeyLike {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

/** What each shortcut does, for the "?" dialog. */
export const SHORTCUTS: ReadonlyArray<[keys: string, what: string]> = [
  ['← → (in the text)', 'move the caret by one character (grapheme)'],
  ['Shift+← Shift+→', 'extend the selection by one character'],
  ['Ctrl+Shift+← Ctrl+Shift+→', 'extend the selection by a word'],
  ['Shift+Home Shift+End', 'extend the selection to the start or end'],
  ['1 … 9, 0', 'label the selection (or relabel the selected span; or pick the relation type)'],
  ['] [', 'select the next / previous span'],
  ['r', 'start a relation from the selected span (then pick the tail with ] [ and Enter, or a click)'],
  ['e', 'start an event with the selected span as its trigger'],
  ['Enter', 'confirm the tail span of a relation'],
  ['} {', 'select the next / previous relation'],
  ['Delete or Backspace', 'delete the selected span or relation'],
  ['a / Shift+A', 'accept the next suggestion / all suggestions'],
  ['x / Shift+X', 'reject the next suggestion / all suggestions'],
  ['Ctrl+S', 'save the draft'],
  ['Ctrl+Enter', 'submit and go to the next item'],
  ['Escape', 'clear the selection, cancel a relation, close a dialog'],
  ['?', 'show this list'],
];

/** The command of a key press, or null if the key is not a shortcut. */
export function commandOf(e: KeyLike): Command | null {
  const mod = !!(e.ctrlKey || e.metaKey);
  if (mod && !e.altKey) {
    if (e.key === 's' || e.key === 'S') return { kind: 'save' };
    if (e.key === 'Enter') return { kind: 'submit' };
    if (e.shiftKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight'))
      return { kind: 'caret', delta: e.key === 'ArrowLeft' ? -1 : 1, extend: true, word: true };
    return null;
  }
  if (e.altKey || mod) return null;
  switch (e.key) {
    case 'ArrowLeft':
      return { kind: 'caret', delta: -1, extend: !!e.shiftKey };
    case 'ArrowRight':
      return { kind: 'caret', delta: 1, extend: !!e.shiftKey };
    case 'Home':
    case 'End':
      return { kind: 'caretEdge', end: e.key === 'End', extend: !!e.shiftKey };
    case 'Delete':
    case 'Backspace':
      return { kind: 'delete' };
    case ']':
      return { kind: 'cycleSpan', delta: 1 };
    case '[':
      return { kind: 'cycleSpan', delta: -1 };
    case '}':
      return { kind: 'cycleRelation', delta: 1 };
    case '{':
      return { kind: 'cycleRelation', delta: -1 };
    case 'r':
      return { kind: 'relation' };
    case 'e':
      return { kind: 'event' };
    case 'Enter':
      return { kind: 'confirm' };
    case 'Escape':
      return { kind: 'escape' };
    case '?':
      return { kind: 'help' };
    case 'a':
    case 'A':
      return { kind: 'accept', all: e.key === 'A' };
    case 'x':
    case 'X':
      return { kind: 'reject', all: e.key === 'X' };
  }
  if (/^[0-9]$/.test(e.key)) {
    const n = Number(e.key);
    return { kind: 'label', index: n === 0 ? 9 : n - 1 };
  }
  return null;
}
