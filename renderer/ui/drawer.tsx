import { useEffect, useId, useRef, type ReactNode } from 'react';

// The side drawers (settings, script library) open from a button and close with Escape or
// their close button; focus follows, so the keyboard is never left on a hidden element.

/** For the button that opens a drawer: focus comes back to it when the drawer closes. */
export function useFocusReturn<T extends HTMLElement>(open: boolean) {
  const opener = useRef<T>(null);
  const wasOpen = useRef(false);
  useEffect(() => {
    if (wasOpen.current && !open) opener.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return opener;
}

interface DrawerProps {
  /** Class prefix: `${kind}-backdrop` and `${kind}-panel` (styles.css gives each drawer its width). */
  kind: string;
  /** Already translated. */
  title: string;
  closeLabel: string;
  testId: string;
  closeTestId: string;
  onClose: () => void;
  /** A click on the dimmed workspace beside the drawer closes it too. */
  closeOnBackdrop?: boolean;
  busy?: boolean;
  children: ReactNode;
}

/** A modal side drawer, rendered while open: its close button takes focus, and Escape closes it. */
export function Drawer({ kind, title, closeLabel, testId, closeTestId, onClose, closeOnBackdrop = false, busy, children }: DrawerProps) {
  const titleId = useId();
  const closer = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    closer.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className={`${kind}-backdrop`} onClick={closeOnBackdrop ? (event) => event.target === event.currentTarget && onClose() : undefined}>
      <section className={`${kind}-panel`} data-testid={testId} role="dialog" aria-modal="true" aria-labelledby={titleId} aria-busy={busy || undefined}>
        <header className="settings-header">
          <h2 id={titleId}>{title}</h2>
          <button ref={closer} type="button" className="link-button" data-testid={closeTestId} onClick={onClose}>
            {closeLabel}
          </button>
        </header>
        {children}
      </section>
    </div>
  );
}
