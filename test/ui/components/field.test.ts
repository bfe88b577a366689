// @vitest-environment happy-dom
/** The shared labelled field renders the markup the screens had inline: label > span, control, hint. */
import { h, render, type ComponentChild } from 'preact';
import { describe, expect, it } from 'vitest';
import { Field } from '../../../src/ui/components/Field.tsx';

function html(node: ComponentChild): string {
  const root = document.createElement('div');
  render(node, root);
  return root.innerHTML;
}

describe('Field', () => {
  it('wraps the control in its label', () => {
    expect(html(h(Field, { label: 'Location', children: h('input', { type: 'text' }) }))).toBe(
      '<label class="field"><span>Location</span><input type="text"></label>',
    );
  });

  it('adds the hint the control points at', () => {
    const out = html(
      h(Field, {
        label: 'Attendees',
        hint: 'Comma-separated',
        hintId: 'attendees-hint',
        children: h('input', { 'aria-describedby': 'attendees-hint' }),
      }),
    );
    expect(out).toBe(
      '<label class="field"><span>Attendees</span><input aria-describedby="attendees-hint"><span class="hint" id="attendees-hint">Comma-separated</span></label>',
    );
  });
});
