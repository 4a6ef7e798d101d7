interface FileButtonProps {
  /** The button's text, already translated. */
  label: string;
  accept: string;
  disabled: boolean;
  testId: string;
  onFile: (file: File) => void;
}

/** A button that picks one file: a styled label around a visually hidden file input (keyboard and screen readers still reach it). */
export function FileButton({ label, accept, disabled, testId, onFile }: FileButtonProps) {
  return (
    <label className={disabled ? 'file-button disabled' : 'file-button'}>
      {label}
      <input
        type="file"
        className="visually-hidden"
        data-testid={testId}
        accept={accept}
        disabled={disabled}
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          // Cleared so choosing the same file again (after fixing it) fires a change.
          event.currentTarget.value = '';
          if (file) onFile(file);
        }}
      />
    </label>
  );
}
