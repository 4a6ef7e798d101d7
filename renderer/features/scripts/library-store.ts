import { create } from 'zustand';
import type { z } from 'zod';
import { MAX_SCRIPT_TEXT, type ScriptProblemSchema } from '../../../main/common/channels/work';
import type { Result } from '../../../main/common/contract';
import { call, toFailure, type Failure } from '../../api';
import { readFileAsText } from '../../api/read-file';
import { downloadText } from '../../ui/download';

export type ScriptSummary = Result<'scripts.list'>[number];
export type ScriptProblem = z.infer<typeof ScriptProblemSchema>;
export type ScriptFileFormat = 'yaml' | 'json';

/** What the last import came to, until dismissed or the next one. */
export type ScriptImportOutcome =
  | { kind: 'imported'; fileName: string; script: ScriptSummary; replaced: boolean; warnings: ScriptProblem[] }
  /** The core refused the file: every problem with its line and column, as it gave them. */
  | { kind: 'refused'; fileName: string; errors: ScriptProblem[]; warnings: ScriptProblem[] }
  /** Not sent: over the 1 MB the core takes, or the browser could not read it. */
  | { kind: 'too_large' | 'unreadable'; fileName: string };

export interface ScriptLibraryData {
  open: boolean;
  /** The imported scripts, by name; null until read. */
  scripts: ScriptSummary[] | null;
  loading: boolean;
  loadError: Failure | null;
  /** The file being imported. */
  importing: string | null;
  outcome: ScriptImportOutcome | null;
  /** The import could not be made at all (the core did not answer, or said why not). */
  importError: Failure | null;
  /** The script being exported. */
  exporting: string | null;
  exportError: Failure | null;
  /** The script whose delete button was pressed, waiting for the agent to confirm or cancel. */
  confirmingRemove: string | null;
  /** The script being removed. */
  removing: string | null;
  /** The core refused the removal (or did not answer), with its reason. */
  removeError: Failure | null;
}

export interface ScriptLibraryState extends ScriptLibraryData {
  show(): void;
  hide(): void;
  load(): Promise<void>;
  importFile(file: File): Promise<void>;
  /** Downloads the script as the core writes it (`scripts.export`), as a .yaml or .json file. */
  exportScript(id: string, format: ScriptFileFormat): Promise<void>;
  /** Asks for confirmation inside the drawer before `removeScript`. */
  askRemove(id: string): void;
  cancelRemove(): void;
  /** Removes the script (`scripts.remove`) and reads the list again. */
  removeScript(id: string): Promise<void>;
  dismiss(): void;
}

export const initialScriptLibrary: ScriptLibraryData = {
  open: false,
  scripts: null,
  loading: false,
  loadError: null,
  importing: null,
  outcome: null,
  importError: null,
  exporting: null,
  exportError: null,
  confirmingRemove: null,
  removing: null,
  removeError: null,
};

const MEDIA_TYPES: Record<ScriptFileFormat, string> = { yaml: 'application/yaml', json: 'application/json' };

/** The file a script is saved as: its imported file's name with the format's extension, else its id. */
export function exportFileName(script: Pick<ScriptSummary, 'id' | 'fileName'>, format: ScriptFileFormat): string {
  const base = script.fileName?.replace(/\.(ya?ml|json)$/i, '').trim() || script.id;
  return `${base}.${format}`;
}

/** The script library (话术库): the center's scripts listed, imported from a YAML/JSON file, exported to one, removed. */
export const useScriptLibraryStore = create<ScriptLibraryState>()((set, get) => ({
  ...initialScriptLibrary,

  show: () => {
    set({ open: true });
    void get().load();
  },
  hide: () => set({ open: false }),

  load: async () => {
    set({ loading: true, loadError: null });
    try {
      set({ scripts: await call('scripts.list', {}), loading: false });
    } catch (error) {
      set({ loading: false, loadError: toFailure(error) });
    }
  },

  importFile: async (file) => {
    if (get().importing) return;
    const fileName = file.name;
    set({ importing: fileName, outcome: null, importError: null });
    // The contract counts characters, the core bytes; either way a file over 1 MB is refused.
    if (file.size > MAX_SCRIPT_TEXT) {
      set({ importing: null, outcome: { kind: 'too_large', fileName } });
      return;
    }
    let text: string;
    try {
      text = await readFileAsText(file);
    } catch {
      set({ importing: null, outcome: { kind: 'unreadable', fileName } });
      return;
    }
    try {
      const result = await call('scripts.import', { fileName, text });
      set({
        importing: null,
        outcome: result.ok
          ? { kind: 'imported', fileName, script: result.script, replaced: result.replaced, warnings: result.warnings }
          : { kind: 'refused', fileName, errors: result.errors, warnings: result.warnings },
      });
      if (result.ok) await get().load();
    } catch (error) {
      set({ importing: null, importError: toFailure(error) });
    }
  },

  exportScript: async (id, format) => {
    if (get().exporting) return;
    set({ exporting: id, exportError: null });
    try {
      const { text } = await call('scripts.export', { id, format });
      const script = get().scripts?.find((entry) => entry.id === id);
      downloadText(exportFileName(script ?? { id, fileName: null }, format), text, MEDIA_TYPES[format]);
      set({ exporting: null });
    } catch (error) {
      set({ exporting: null, exportError: toFailure(error) });
    }
  },

  askRemove: (id) => {
    if (!get().removing) set({ confirmingRemove: id, removeError: null });
  },
  cancelRemove: () => set({ confirmingRemove: null }),

  removeScript: async (id) => {
    if (get().removing) return;
    set({ removing: id, removeError: null });
    try {
      await call('scripts.remove', { id });
      set({ removing: null, confirmingRemove: null });
      await get().load();
    } catch (error) {
      set({ removing: null, confirmingRemove: null, removeError: toFailure(error) });
    }
  },

  dismiss: () => set({ outcome: null, importError: null }),
}));
