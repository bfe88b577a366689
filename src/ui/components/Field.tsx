/**
 * A labelled form field: the label wraps its control, so the control's accessible name
 * is the label's text with no id to keep in step (HTML §4.10.4 "label"), and the
 * `.field` layout stacks label, control and an optional hint. A hint gets `hintId`,
 * which the control names in its `aria-describedby`.
 */
import type { ComponentChildren } from 'preact';

export interface FieldProps {
  readonly label: string;
  /** The control: an input, select or textarea. */
  readonly children: ComponentChildren;
  readonly hint?: ComponentChildren;
  readonly hintId?: string;
}

export function Field({ label, children, hint, hintId }: FieldProps) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control comes in as children, inside the label
    <label class="field">
      <span>{label}</span>
      {children}
      {hint !== undefined && (
        <span class="hint" id={hintId}>
          {hint}
        </span>
      )}
    </label>
  );
}
