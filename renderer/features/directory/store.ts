import { create } from 'zustand';
import type {
  CallSummary,
  CardFact,
  ContactCard,
  ContactInput,
  ContactSummary,
  HistoryItem,
  ImportProgress,
  ImportReport,
} from '../../../main/common/domain';
import { isCrmEntry } from '../../../main/common/domain';
import { call, toFailure, type Failure } from '../../api';
import { readFileAsBase64 } from '../../api/read-file';
import { importFormatOf } from './import-format';

export const SEARCH_LIMIT = 50;
export const HISTORY_PAGE_SIZE = 100;
/** The contract caps the base64 at 70 MB, which is about 50 MB of file. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
const MAX_QUERY_LENGTH = 200;
const MAX_FILE_NAME_LENGTH = 255;

export interface SearchData {
  query: string;
  results: ContactSummary[];
  status: 'idle' | 'searching' | 'done' | 'failed';
  error: Failure | null;
}

export interface CardData {
  /**
   * The stored contact shown, or 0 for a caller only a CRM connector knows (the card's
   * `inDirectory` is false: there is no local history to read), or null for none.
   */
  contactId: number | null;
  card: ContactCard | null;
  loading: boolean;
  error: Failure | null;
  /** The call whose screen pop showed this card, so a later push of that call can update it in place; null when the agent opened it. */
  callId: string | null;
}

export interface HistoryData {
  contactId: number | null;
  /** Newest first: interactions and CRM entries (see historyKey); older pages are appended. */
  items: HistoryItem[];
  nextCursor: string | null;
  /** At least one page has arrived, so `nextCursor === null` means there is no more. */
  loaded: boolean;
  loading: boolean;
  error: Failure | null;
}

/** A caller the directory does not know: the number (or that it was withheld) is all there is. */
export interface UnknownCaller {
  callId: string;
  number: string | null;
  e164: string | null;
  /** Caller-supplied, shown as text. */
  displayName: string;
  withheld: boolean;
}

export interface NoteData {
  saving: boolean;
  error: Failure | null;
}

export type ImportFailure =
  | { reason: 'too_large' | 'unreadable' }
  | { reason: 'refused'; failure: Failure };

export type ImportData =
  | { phase: 'idle' }
  | { phase: 'reading'; fileName: string }
  | { phase: 'running'; fileName: string; importId: string | null; processed: number; total: number }
  | { phase: 'done'; fileName: string; report: ImportReport }
  | { phase: 'failed'; fileName: string; failure: ImportFailure };

export interface DirectoryData {
  search: SearchData;
  card: CardData;
  history: HistoryData;
  note: NoteData;
  import: ImportData;
  /** Shown instead of a card when a call rings from a number no contact has. */
  unknownCaller: UnknownCaller | null;
  /** The unknown caller being saved as a new contact. */
  newContact: NoteData;
}

export interface DirectoryState extends DirectoryData {
  /** Searches for `query` (trimmed); a blank query clears the results without a call. */
  runSearch(query: string): Promise<void>;
  clearSearch(): void;
  openContact(contactId: number): Promise<void>;
  /**
   * The screen pop: a ringing (or dialled) call's card becomes the open card — the
   * core looked it up before anyone answered — or, when no contact has the number,
   * the unknown-caller view. `ifShowingUnknown` pops only over that call's own
   * unknown-caller view (its card arrived late), never over what the agent opened since.
   */
  popCaller(call: CallSummary, options?: { ifShowingUnknown?: boolean }): Promise<void>;
  /**
   * A call already popped was pushed again with a different card (a CRM connector answered
   * after the lookup deadline, or failed): the card shown for that call is replaced in
   * place — no loading state, history and the agent's place kept. Nothing happens when
   * the agent has moved on to another card.
   */
  applyCallCard(call: CallSummary): Promise<void>;
  /** Reloads the open card and its newest history if it is `contactId` (a call with them just ended). */
  refreshContact(contactId: number): Promise<void>;
  loadOlderHistory(): Promise<void>;
  addNote(summary: string): Promise<boolean>;
  /** Saves the unknown caller (or the caller only a CRM knows) as a new local contact and shows their card; false when refused. */
  saveNewContact(contact: ContactInput): Promise<boolean>;
  importFile(file: File): Promise<void>;
  applyImportProgress(progress: ImportProgress): void;
  dismissImport(): void;
}

const idleSearch: SearchData = { query: '', results: [], status: 'idle', error: null };
const noCard: CardData = { contactId: null, card: null, loading: false, error: null, callId: null };
const noHistory: HistoryData = { contactId: null, items: [], nextCursor: null, loaded: false, loading: false, error: null };

export const initialDirectory: DirectoryData = {
  search: idleSearch,
  card: noCard,
  history: noHistory,
  note: { saving: false, error: null },
  import: { phase: 'idle' },
  unknownCaller: null,
  newContact: { saving: false, error: null },
};

export const useDirectoryStore = create<DirectoryState>()((set, get) => {
  // Bumped by each new search / opened contact, so a slow reply for an earlier one is dropped.
  let searchSeq = 0;
  let contactSeq = 0;

  const setHistory = (patch: Partial<HistoryData>) => set((state) => ({ history: { ...state.history, ...patch } }));
  const setCard = (patch: Partial<CardData>) => set((state) => ({ card: { ...state.card, ...patch } }));

  async function loadCard(contactId: number, seq: number, quietly: boolean): Promise<void> {
    // A caller only a connector knows has no stored card to read (contact id 0).
    if (!isStoredId(contactId)) return;
    if (!quietly) setCard({ loading: true, error: null });
    try {
      const card = await call('directory.card', { contactId });
      if (seq === contactSeq) setCard({ card: withLookupFacts(card, get().card.card), loading: false, error: null });
    } catch (error) {
      if (seq === contactSeq) setCard({ loading: false, error: toFailure(error) });
    }
  }

  return {
    ...initialDirectory,

    runSearch: async (raw) => {
      const query = raw.trim().slice(0, MAX_QUERY_LENGTH);
      const seq = ++searchSeq;
      if (!query) {
        set({ search: idleSearch });
        return;
      }
      set((state) => ({ search: { ...state.search, query, status: 'searching', error: null } }));
      try {
        const results = await call('directory.search', { query, limit: SEARCH_LIMIT });
        if (seq === searchSeq) set({ search: { query, results, status: 'done', error: null } });
      } catch (error) {
        if (seq === searchSeq) set({ search: { query, results: [], status: 'failed', error: toFailure(error) } });
      }
    },

    clearSearch: () => {
      searchSeq += 1;
      set({ search: idleSearch });
    },

    openContact: async (contactId) => {
      const seq = ++contactSeq;
      set({
        card: { ...noCard, contactId },
        history: { ...noHistory, contactId },
        note: { saving: false, error: null },
        unknownCaller: null,
      });
      if (!isStoredId(contactId)) return;
      await Promise.all([loadCard(contactId, seq, false), get().loadOlderHistory()]);
    },

    popCaller: async (call, options = {}) => {
      if (options.ifShowingUnknown && get().unknownCaller?.callId !== call.id) return;
      const card = call.card;
      if (!card) {
        contactSeq += 1;
        const { number, e164, displayName, withheld } = call.remote;
        set({
          card: noCard,
          history: noHistory,
          note: { saving: false, error: null },
          unknownCaller: { callId: call.id, number, e164, displayName, withheld },
          newContact: { saving: false, error: null },
        });
        return;
      }
      if (!isStoredCard(card)) {
        // Only a CRM connector knows the caller: their card, and no local history to ask for (id 0).
        contactSeq += 1;
        set({
          card: { contactId: 0, card, loading: false, error: null, callId: call.id },
          history: noHistory,
          note: { saving: false, error: null },
          unknownCaller: null,
          newContact: { saving: false, error: null },
        });
        return;
      }
      const contactId = card.contact.id;
      if (get().card.contactId === contactId) {
        // Already open (the agent dialled from it, or it popped before): fresher data, same history.
        set({ card: { contactId, card, loading: false, error: null, callId: call.id }, unknownCaller: null });
        return;
      }
      contactSeq += 1;
      set({
        card: { contactId, card, loading: false, error: null, callId: call.id },
        history: { ...noHistory, contactId },
        note: { saving: false, error: null },
        unknownCaller: null,
      });
      await get().loadOlderHistory();
    },

    applyCallCard: async (call) => {
      const card = call.card;
      if (!card) return;
      // Its card came after the unknown-caller view popped: that is a pop, not an update.
      if (get().unknownCaller?.callId === call.id) return get().popCaller(call, { ifShowingUnknown: true });
      const shown = get().card;
      if (shown.callId !== call.id || !shown.card) return;
      if (isStoredCard(card)) {
        // Someone saved the caller meanwhile (another window): show them as a stored contact.
        if (shown.contactId !== card.contact.id) return get().popCaller(call);
        const next = withConnectorFacts(shown.card, card);
        if (!sameCard(next, shown.card)) setCard({ card: next, loading: false, error: null });
        return;
      }
      // Still only the connectors know them: their new card as it is, or — when the agent
      // saved them as a contact meanwhile — the contact with the connectors' new facts.
      const next = shown.contactId === 0 ? card : savedWithLookup(shown.card, card);
      if (!sameCard(next, shown.card)) setCard({ card: next, loading: false, error: null });
    },

    refreshContact: async (contactId) => {
      if (!isStoredId(contactId) || get().card.contactId !== contactId) return;
      // A new sequence drops pages still in flight for the old view of this history.
      const seq = ++contactSeq;
      const cardLoad = loadCard(contactId, seq, true);
      try {
        const page = await call('directory.history', { contactId, before: null, limit: HISTORY_PAGE_SIZE });
        if (seq === contactSeq) {
          set({ history: { contactId, items: page.items, nextCursor: page.nextCursor, loaded: true, loading: false, error: null } });
        }
      } catch (error) {
        if (seq === contactSeq) setHistory({ loading: false, error: toFailure(error) });
      }
      await cardLoad;
    },

    loadOlderHistory: async () => {
      const { contactId, nextCursor, loaded, loading } = get().history;
      if (contactId === null || !isStoredId(contactId) || loading || (loaded && nextCursor === null)) return;
      const seq = contactSeq;
      setHistory({ loading: true, error: null });
      try {
        const page = await call('directory.history', { contactId, before: nextCursor, limit: HISTORY_PAGE_SIZE });
        if (seq !== contactSeq) return;
        set((state) => {
          // A note added while this page was in flight may already be in the list.
          const known = new Set(state.history.items.map(historyKey));
          const fresh = page.items.filter((item) => !known.has(historyKey(item)));
          return {
            history: {
              ...state.history,
              items: [...state.history.items, ...fresh],
              nextCursor: page.nextCursor,
              loaded: true,
              loading: false,
            },
          };
        });
      } catch (error) {
        if (seq === contactSeq) setHistory({ loading: false, error: toFailure(error) });
      }
    },

    addNote: async (text) => {
      const contactId = get().card.contactId;
      const summary = text.trim();
      if (contactId === null || !isStoredId(contactId) || !summary || get().note.saving) return false;
      const seq = contactSeq;
      set({ note: { saving: true, error: null } });
      try {
        const note = await call('directory.addInteraction', { contactId, kind: 'note', summary });
        if (seq !== contactSeq) return true;
        set((state) => ({
          note: { saving: false, error: null },
          history: { ...state.history, items: [note, ...state.history.items] },
        }));
        // The card's recent list and counts are the core's to compute.
        await loadCard(contactId, seq, true);
        return true;
      } catch (error) {
        if (seq === contactSeq) set({ note: { saving: false, error: toFailure(error) } });
        return false;
      }
    },

    saveNewContact: async (contact) => {
      const caller = get().unknownCaller;
      // A caller only a CRM connector knows is saved from their card, keyed by its call.
      const crmCallId = !caller && get().card.contactId === 0 ? get().card.callId : null;
      if ((!caller && crmCallId === null) || get().newContact.saving) return false;
      set({ newContact: { saving: true, error: null } });
      const stillShown = () =>
        caller ? get().unknownCaller?.callId === caller.callId : get().card.contactId === 0 && get().card.callId === crmCallId;
      try {
        // Saved locally and queued for the CRM by the core, with the call it was made from.
        const saved = await call('directory.saveContact', { contactId: null, contact, callId: caller?.callId ?? crmCallId });
        // The agent moved on (another caller popped) while it saved: it is saved, search finds it.
        if (!stillShown()) {
          set({ newContact: { saving: false, error: null } });
          return true;
        }
        contactSeq += 1;
        const contactId = saved.contact.id;
        const crmCard = caller ? null : get().card.card;
        // What the CRM said stays on the card: the contact is new, the customer is not.
        const card = crmCard ? savedWithLookup(saved, crmCard) : saved;
        set({
          card: { contactId, card, loading: false, error: null, callId: caller?.callId ?? crmCallId },
          history: { ...noHistory, contactId },
          note: { saving: false, error: null },
          unknownCaller: null,
          newContact: { saving: false, error: null },
        });
        await get().loadOlderHistory();
        return true;
      } catch (error) {
        set({ newContact: { saving: false, error: toFailure(error) } });
        return false;
      }
    },

    importFile: async (file) => {
      const { phase } = get().import;
      if (phase === 'reading' || phase === 'running') return;
      // Keep the end of an over-long name: it carries the extension.
      const fileName = (file.name || 'contacts').slice(-MAX_FILE_NAME_LENGTH);
      if (file.size > MAX_IMPORT_BYTES) {
        set({ import: { phase: 'failed', fileName, failure: { reason: 'too_large' } } });
        return;
      }
      set({ import: { phase: 'reading', fileName } });
      let contentBase64: string;
      try {
        contentBase64 = await readFileAsBase64(file);
      } catch {
        set({ import: { phase: 'failed', fileName, failure: { reason: 'unreadable' } } });
        return;
      }
      set({ import: { phase: 'running', fileName, importId: null, processed: 0, total: 0 } });
      try {
        const format = importFormatOf(fileName);
        const report = await call('directory.import', { fileName, contentBase64, ...(format ? { format } : {}) });
        set({ import: { phase: 'done', fileName, report } });
      } catch (error) {
        set({ import: { phase: 'failed', fileName, failure: { reason: 'refused', failure: toFailure(error) } } });
      }
    },

    applyImportProgress: (progress) => {
      const current = get().import;
      if (current.phase !== 'running') return;
      // Another window may be importing too: follow the first import heard from.
      if (current.importId !== null && current.importId !== progress.importId) return;
      set({ import: { ...current, importId: progress.importId, processed: progress.processed, total: progress.total } });
    },

    dismissImport: () => {
      const { phase } = get().import;
      if (phase === 'done' || phase === 'failed') set({ import: { phase: 'idle' } });
    },
  };
});

/** What names a history entry among the others: an interaction's id, a CRM entry's key. */
export function historyKey(item: HistoryItem): string {
  return isCrmEntry(item) ? `crm:${item.key}` : String(item.id);
}

/** Ids of stored contacts; 0 is a caller only a CRM connector knows (no local card or history). */
function isStoredId(contactId: number): boolean {
  return contactId > 0;
}

/** A card of a contact stored in the local directory (directory.card and history work with its id). */
export function isStoredCard(card: ContactCard): boolean {
  return card.inDirectory !== false && isStoredId(card.contact.id);
}

function sameCard(a: ContactCard, b: ContactCard): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Whether a connector (not the local directory) supplied `fact` on this card. */
function fromConnector(card: ContactCard, fact: CardFact): boolean {
  return (card.sources ?? []).some((source) => source.connector !== 'local' && source.fields.includes(fact));
}

/**
 * directory.card reads the local directory only; the lookup chain's facts (CRM, sources,
 * what connectors filled in) of the same contact stay on the card when it is read again.
 */
function withLookupFacts(next: ContactCard, previous: ContactCard | null): ContactCard {
  if (!previous?.sources || next.sources !== undefined || previous.contact.id !== next.contact.id) return next;
  const filled = (fact: 'company' | 'tier') => next.contact[fact] || (fromConnector(previous, fact) ? previous.contact[fact] : '');
  return {
    ...next,
    inDirectory: true,
    crm: previous.crm ?? null,
    sources: previous.sources,
    contact: { ...next.contact, company: filled('company'), tier: filled('tier') },
  };
}

/**
 * The shown card of a stored contact, with what a later lookup of its call brought: the
 * connectors' facts and sources. Its local part (recent, open items, counts) stays, since
 * the renderer may have read it again after the call rang (a note added meanwhile).
 */
function withConnectorFacts(shown: ContactCard, pushed: ContactCard): ContactCard {
  return {
    ...shown,
    inDirectory: true,
    crm: pushed.crm ?? null,
    sources: pushed.sources,
    contact: { ...shown.contact, company: pushed.contact.company, tier: pushed.contact.tier },
  };
}

/**
 * A caller only the CRM knew, now a stored contact: the saved card with what the
 * connectors said (CRM facts, sources), the name, company and tier now the directory's.
 */
function savedWithLookup(saved: ContactCard, lookup: ContactCard): ContactCard {
  const own = (fact: CardFact) =>
    fact === 'history' || ((fact === 'name' || fact === 'company' || fact === 'tier') && saved.contact[fact] !== '');
  const sources = lookup.sources?.map((source) =>
    source.connector === 'local'
      ? { ...source, matched: true, fields: (['name', 'company', 'tier', 'history'] as const).filter(own) }
      : { ...source, fields: source.fields.filter((fact) => !own(fact)) },
  );
  const filled = (fact: 'company' | 'tier') => saved.contact[fact] || (fromConnector(lookup, fact) ? lookup.contact[fact] : '');
  return {
    ...saved,
    inDirectory: true,
    crm: lookup.crm ?? null,
    ...(sources ? { sources } : {}),
    contact: { ...saved.contact, company: filled('company'), tier: filled('tier') },
  };
}
