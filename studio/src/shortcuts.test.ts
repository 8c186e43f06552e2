import { describe, expect, it } from 'vitest';
import { commandOf, SHORTCUTS } from './shortcuts';

describe('keyboard shortcuts', () => {
  it('maps number keys to labels, 0 to the tenth', () => {
    expect(commandOf({ key: '1' })).toEqual({ kind: 'label', index: 0 });
    expect(commandOf({ key: '9' })).toEqual({ kind: 'label', index: 8 });
    expect(commandOf({ key: '0' })).toEqual({ kind: 'label', index: 9 });
  });
  it('moves and extends with arrows', () => {
    expect(commandOf({ key: 'ArrowRight' })).toEqual({ kind: 'caret', delta: 1, extend: false });
    expect(commandOf({ key: 'ArrowLeft', shiftKey: true })).toEqual({ kind: 'caret', delta: -1, extend: true });
    expect(commandOf({ key: 'ArrowRight', shiftKey: true, ctrlKey: true })).toEqual({ kind: 'caret', delta: 1, extend: true, word: true });
    expect(commandOf({ key: 'End', shiftKey: true })).toEqual({ kind: 'caretEdge', end: true, extend: true });
  });
  it('has one-key paths for spans, relations and suggestions', () => {
    expect(commandOf({ key: ']' })).toEqual({ kind: 'cycleSpan', delta: 1 });
    expect(commandOf({ key: '[' })).toEqual({ kind: 'cycleSpan', delta: -1 });
    expect(commandOf({ key: 'r' })).toEqual({ kind: 'relation' });
    expect(commandOf({ key: 'Delete' })).toEqual({ kind: 'delete' });
    expect(commandOf({ key: 'Backspace' })).toEqual({ kind: 'delete' });
    expect(commandOf({ key: 'a' })).toEqual({ kind: 'accept', all: false });
    expect(commandOf({ key: 'A', shiftKey: true })).toEqual({ kind: 'accept', all: true });
    expect(commandOf({ key: 'x' })).toEqual({ kind: 'reject', all: false });
    expect(commandOf({ key: '?', shiftKey: true })).toEqual({ kind: 'help' });
  });
  it('saves and submits with Ctrl, and leaves other browser shortcuts alone', () => {
    expect(commandOf({ key: 's', ctrlKey: true })).toEqual({ kind: 'save' });
    expect(commandOf({ key: 'Enter', metaKey: true })).toEqual({ kind: 'submit' });
    expect(commandOf({ key: 'c', ctrlKey: true })).toBeNull();
    expect(commandOf({ key: '1', altKey: true })).toBeNull();
    expect(commandOf({ key: 'q' })).toBeNull();
  });
  it('lists every shortcut for the ? dialog', () => {
    expect(SHORTCUTS.length).toBeGreaterThan(10);
    expect(SHORTCUTS.map(([k]) => k).join(' ')).toContain('Shift+');
  });
});
