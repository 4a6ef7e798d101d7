import { ZuoxiError } from '../../../common/errors';
import type { Logger } from '../../log/logger';
import type { Database } from '../../store/database';
import { exportScript, importScript, type ScriptFormat, type ScriptProblem } from './script-import';
import { ScriptSchema, type ChosenBy, type Script } from './script-model';
import { chooseScript, type CallRouting } from './script-selection';

export interface ScriptSummary {
  id: string;
  name: string;
  version: number;
  chosenBy: ChosenBy;
  fileName: string | null;
  importedAt: string;
  updatedAt: string;
}

export type ScriptLibraryImport =
  | { ok: true; script: ScriptSummary; replaced: boolean; warnings: ScriptProblem[] }
  | { ok: false; errors: ScriptProblem[]; warnings: ScriptProblem[] };

interface Row {
  id: string;
  name: string;
  version: number;
  definition: string;
  file_name: string | null;
  imported_at: string;
  updated_at: string;
}

/**
 * The scripts a center has imported, kept in sqlite and in memory. Importing a script
 * with an id already there replaces it (the new version wins, the import date stays);
 * a script that would claim a number, queue or default another script claims is refused
 * with the line of the claim.
 */
export class ScriptLibrary {
  private cache: Map<string, { script: Script; row: Row }> | null = null;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async import(text: string, options: { fileName?: string; format?: ScriptFormat } = {}): Promise<ScriptLibraryImport> {
    const loaded = await this.load();
    const result = importScript(text, { ...options, library: [...loaded.values()].map((entry) => entry.script) });
    if (!result.ok) return { ok: false, errors: result.errors, warnings: result.warnings };
    const { script } = result;
    const at = this.now().toISOString();
    const definition = exportScript(script, 'json');
    const replaced = await this.db.transaction(async (tx) => {
      const existing = await tx.get<{ imported_at: string }>('SELECT imported_at FROM scripts WHERE id = ?', [script.id]);
      await tx.run(
        `INSERT INTO scripts (id, name, version, definition, file_name, imported_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version, definition = excluded.definition,
           file_name = excluded.file_name, updated_at = excluded.updated_at`,
        [script.id, script.name, script.version, definition, options.fileName ?? null, at, at],
      );
      return existing !== undefined;
    });
    this.cache = null;
    this.log.info('scripts.imported', { scriptId: script.id, version: script.version, replaced, warnings: result.warnings.length });
    const summary = (await this.list()).find((entry) => entry.id === script.id)!;
    return { ok: true, script: summary, replaced, warnings: result.warnings };
  }

  async list(): Promise<ScriptSummary[]> {
    return [...(await this.load()).values()].map(({ script, row }) => summarise(script, row)).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  }

  async get(id: string): Promise<Script | null> {
    return (await this.load()).get(id)?.script ?? null;
  }

  async export(id: string, format: ScriptFormat): Promise<string> {
    const script = await this.get(id);
    if (!script) throw new ZuoxiError('not_found', `No script "${id}"`);
    return exportScript(script, format);
  }

  /**
   * Deletes a script; `not_found` for an unknown id. Nothing else references the row (a
   * saved wrap-up keeps its own copy of the path, names and labels included), so it is
   * one DELETE. A call already following the script carries on to its end: its ScriptRun
   * (CallScripts) holds the parsed script in memory and never reads the library again.
   */
  async remove(id: string): Promise<void> {
    const { changes } = await this.db.run('DELETE FROM scripts WHERE id = ?', [id]);
    this.cache = null;
    if (changes === 0) throw new ZuoxiError('not_found', `No script "${id}"`);
    this.log.info('scripts.removed', { scriptId: id });
  }

  /** The script for a call (see chooseScript), or null when none claims it. */
  async choose(call: CallRouting): Promise<Script | null> {
    return chooseScript([...(await this.load()).values()].map((entry) => entry.script), call);
  }

  private async load(): Promise<Map<string, { script: Script; row: Row }>> {
    if (this.cache) return this.cache;
    const rows = await this.db.all<Row>('SELECT id, name, version, definition, file_name, imported_at, updated_at FROM scripts ORDER BY id');
    const loaded = new Map<string, { script: Script; row: Row }>();
    for (const row of rows) {
      const parsed = ScriptSchema.safeParse(JSON.parse(row.definition));
      // Written by this class from a checked script; a row that no longer parses (edited by
      // hand, or from a newer build) is left out and logged rather than breaking every call.
      if (parsed.success) loaded.set(row.id, { script: parsed.data, row });
      else this.log.error('scripts.unreadable', { scriptId: row.id, issues: parsed.error.issues.length });
    }
    this.cache = loaded;
    return loaded;
  }
}

function summarise(script: Script, row: Row): ScriptSummary {
  return {
    id: script.id,
    name: script.name,
    version: script.version,
    chosenBy: script.chosenBy,
    fileName: row.file_name,
    importedAt: row.imported_at,
    updatedAt: row.updated_at,
  };
}
