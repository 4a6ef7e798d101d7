import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContactSummary } from '../../../../main/common/domain';
import { ErrorNote } from '../../../ui/error-note';
import { useDirectoryStore } from '../store';

/** Long enough that typing a name does not fire a query per keystroke, short enough to feel live. */
export const SEARCH_DEBOUNCE_MS = 250;

export function ContactSearch() {
  const { t } = useTranslation();
  const listId = useId();
  const [text, setText] = useState('');
  const search = useDirectoryStore((state) => state.search);
  const runSearch = useDirectoryStore((state) => state.runSearch);
  const clearSearch = useDirectoryStore((state) => state.clearSearch);
  const openContact = useDirectoryStore((state) => state.openContact);
  const openId = useDirectoryStore((state) => state.card.contactId);
  const { results } = search;

  // New results move the highlight back to the first one (React's "adjust state on prop change").
  const [active, setActive] = useState(-1);
  const [highlightedResults, setHighlightedResults] = useState(results);
  if (highlightedResults !== results) {
    setHighlightedResults(results);
    setActive(results.length > 0 ? 0 : -1);
  }

  useEffect(() => {
    const timer = setTimeout(() => void runSearch(text), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, runSearch]);

  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    // jsdom has no scrollIntoView; real browsers do.
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView?.({ block: 'nearest' });
  }, [active]);

  const choose = (contact: ContactSummary | undefined) => {
    if (contact) void openContact(contact.id);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        setActive((index) => Math.min(results.length - 1, index + 1));
        break;
      case 'ArrowUp':
        event.preventDefault();
        setActive((index) => Math.max(0, index - 1));
        break;
      case 'Enter':
        event.preventDefault();
        choose(results[active]);
        break;
      case 'Escape':
        setText('');
        clearSearch();
        break;
    }
  };

  const expanded = results.length > 0;
  const optionId = (contact: ContactSummary) => `${listId}-option-${contact.id}`;
  const activeResult = results[active];

  return (
    <section className="contact-search" role="search" aria-label={t('search.label')}>
      <input
        type="search"
        className="search-input"
        data-testid="search-input"
        role="combobox"
        aria-label={t('search.label')}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={activeResult ? optionId(activeResult) : undefined}
        placeholder={t('search.placeholder')}
        maxLength={200}
        autoComplete="off"
        spellCheck={false}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        onKeyDown={onKeyDown}
      />
      <p className="search-status" role="status" data-testid="search-status" data-state={search.status}>
        {search.status === 'searching' && t('search.searching')}
        {search.status === 'done' && (results.length ? t('search.count', { count: results.length }) : t('search.empty'))}
      </p>
      {search.error && <ErrorNote failure={search.error} />}
      <ul className="search-results" id={listId} ref={listRef} role="listbox" aria-label={t('search.results')} data-testid="search-results">
        {results.map((contact, index) => (
          <li
            key={contact.id}
            id={optionId(contact)}
            className="search-result"
            role="option"
            aria-selected={index === active}
            aria-current={contact.id === openId ? 'true' : undefined}
            data-testid="search-result"
            data-contact-id={contact.id}
            onClick={() => choose(contact)}
            onMouseMove={() => setActive(index)}
          >
            <span className="search-result-name ellipsis" title={contact.name}>
              {contact.name}
            </span>
            {contact.tier && (
              <span className="tier" data-tier={contact.tier.toLowerCase()}>
                {contact.tier}
              </span>
            )}
            <span className="search-result-detail ellipsis" title={contact.company}>
              {[contact.company, contact.numbers[0]].filter(Boolean).join(' · ')}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
