import '@testing-library/jest-dom';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ZuoxiError } from '../../../main/common/errors';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { exportFileName, type ScriptProblem, type ScriptSummary } from '../../../renderer/features/scripts/library-store';
import { i18n } from '../../../renderer/i18n';
import { formatDateTime } from '../../../renderer/i18n/format';
import { freshApi, type FakeHandlers } from '../fake-api';

const repair: ScriptSummary = {
  id: 'repair-hotline',
  name: '报修热线',
  version: 3,
  chosenBy: { numbers: ['95598', '+86 10 9559 8000'], queues: ['repair'], default: false },
  fileName: '报修热线.yaml',
  importedAt: '2026-03-02T08:00:00.000Z',
  updatedAt: '2026-03-05T09:30:00.000Z',
};
const sales: ScriptSummary = {
  id: 'sales',
  name: '电话销售',
  version: 1,
  chosenBy: { numbers: [], queues: [], default: true },
  fileName: null,
  importedAt: '2026-03-01T08:00:00.000Z',
  updatedAt: '2026-03-01T08:00:00.000Z',
};

const problem = (overrides: Partial<ScriptProblem>): ScriptProblem => ({ severity: 'error', code: 'schema', line: 1, column: 1, path: '', detail: '', reason: '', ...overrides });

async function openLibrary(handlers: FakeHandlers) {
  const fake = await freshApi(handlers);
  render(<AgentWindow />);
  await userEvent.setup().click(screen.getByTestId('script-library-open'));
  return fake;
}

const yamlFile = (text: string, name = '报修热线.yaml') => new File([text], name, { type: 'application/yaml' });

function textOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

describe('the script library (话术库)', () => {
  it('opens from the work row and lists each script with the lines and queues it serves, its version and when it was updated', async () => {
    const fake = await openLibrary({ 'scripts.list': () => [repair, sales] });
    const rows = await screen.findAllByTestId('script-library-row');
    expect(fake.argsOf('scripts.list')).toEqual([{}]);
    expect(screen.getByRole('dialog', { name: '话术库' })).toBeInTheDocument();
    expect(rows.map((row) => row.dataset.scriptId)).toEqual(['repair-hotline', 'sales']);
    const [first, second] = rows as [HTMLElement, HTMLElement];
    expect(within(first).getByTestId('script-library-name')).toHaveTextContent('报修热线');
    expect(first).toHaveTextContent('报修热线.yaml');
    expect(within(first).getByTestId('script-library-chosen-by')).toHaveTextContent('号码：95598, +86 10 9559 8000');
    expect(within(first).getByTestId('script-library-chosen-by')).toHaveTextContent('队列：repair');
    expect(within(first).getByTestId('script-library-version')).toHaveTextContent('3');
    // The update time, not the first import's.
    expect(within(first).getByTestId('script-library-updated')).toHaveTextContent(formatDateTime(repair.updatedAt, 'zh-CN'));
    expect(formatDateTime(repair.updatedAt, 'zh-CN')).not.toBe(formatDateTime(repair.importedAt, 'zh-CN'));
    expect(within(second).getByTestId('script-library-chosen-by')).toHaveTextContent('其他话术不接的来电');

    await act(() => i18n.changeLanguage('en'));
    expect(screen.getByRole('dialog', { name: 'Script library' })).toBeInTheDocument();
    expect(within(first).getByTestId('script-library-chosen-by')).toHaveTextContent('Numbers: 95598, +86 10 9559 8000');
    expect(within(second).getByTestId('script-library-chosen-by')).toHaveTextContent('Calls no other script takes');
    expect(screen.getByRole('button', { name: 'Export “报修热线” as JSON' })).toBeInTheDocument();
  });

  it('says when no script is imported yet, and closes with Escape, giving focus back to its button', async () => {
    await openLibrary({ 'scripts.list': () => [] });
    expect(await screen.findByTestId('script-library-empty')).toHaveTextContent('还没有导入话术');
    await userEvent.setup().keyboard('{Escape}');
    expect(screen.queryByTestId('script-library')).toBeNull();
    expect(screen.getByTestId('script-library-open')).toHaveFocus();
  });

  it('offers to read the list again when it could not be read', async () => {
    let fail = true;
    await openLibrary({
      'scripts.list': () => {
        if (fail) throw new ZuoxiError('unavailable', 'the core is busy');
        return [repair];
      },
    });
    const note = await screen.findByTestId('script-library-load-error');
    expect(note).toHaveAttribute('data-code', 'unavailable');
    fail = false;
    await userEvent.setup().click(within(note).getByRole('button'));
    expect(await screen.findByTestId('script-library-row')).toHaveAttribute('data-script-id', 'repair-hotline');
    expect(screen.queryByTestId('script-library-load-error')).toBeNull();
  });

  it('imports a chosen file as its text, says what was imported, and lists it', async () => {
    let listed: ScriptSummary[] = [sales];
    const fake = await openLibrary({
      'scripts.list': () => listed,
      'scripts.import': () => {
        listed = [repair, sales];
        return { ok: true, script: repair, replaced: false, warnings: [problem({ severity: 'warning', code: 'unused_snippet', line: 14, column: 9, reason: 'snippet "compensation" is never offered' })] };
      },
    });
    await screen.findByTestId('script-library-row');
    const text = 'id: repair-hotline\nname: 报修热线\nsteps:\n  - { id: bye, type: end }\n';
    await userEvent.upload(screen.getByTestId('script-library-input'), yamlFile(text));

    const outcome = await screen.findByTestId('script-library-outcome');
    expect(fake.argsOf('scripts.import')).toEqual([{ fileName: '报修热线.yaml', text }]);
    expect(outcome).toHaveAttribute('data-kind', 'imported');
    expect(outcome).toHaveTextContent('已从 报修热线.yaml 导入「报修热线」（第 3 版）');
    expect(within(outcome).getByTestId('script-library-warning')).toHaveTextContent('第 14 行，第 9 列 异议处理未被使用: snippet "compensation" is never offered');
    await waitFor(() => expect(screen.getAllByTestId('script-library-row').map((row) => row.dataset.scriptId)).toEqual(['repair-hotline', 'sales']));
    expect(fake.argsOf('scripts.list')).toHaveLength(2);
  });

  it('says a script was replaced when the core says so', async () => {
    await openLibrary({ 'scripts.list': () => [repair], 'scripts.import': () => ({ ok: true, script: repair, replaced: true, warnings: [] }) });
    await userEvent.upload(screen.getByTestId('script-library-input'), yamlFile('id: repair-hotline\n'));
    expect(await screen.findByTestId('script-library-outcome')).toHaveTextContent('已用 报修热线.yaml 替换「报修热线」，现为第 3 版');
  });

  it('shows the core’s refusal with each problem’s line and column as it gave them, and lists nothing new', async () => {
    const errors = [
      problem({ code: 'missing_target', line: 12, column: 11, path: 'steps[2].next', detail: 'fault', reason: 'step "fault" does not exist' }),
      problem({ code: 'cycle', line: 30, column: 17, reason: 'the steps loop: a → b → a' }),
    ];
    const fake = await openLibrary({ 'scripts.list': () => [sales], 'scripts.import': () => ({ ok: false, errors, warnings: [] }) });
    await screen.findByTestId('script-library-row');
    await userEvent.upload(screen.getByTestId('script-library-input'), yamlFile('steps: []\n', 'cycle.json'));

    const outcome = await screen.findByTestId('script-library-outcome');
    expect(outcome).toHaveAttribute('data-kind', 'refused');
    expect(outcome).toHaveTextContent('cycle.json 未导入，需修改 2 处');
    const shown = within(outcome).getAllByTestId('script-library-error');
    expect(shown.map((li) => [li.dataset.line, li.dataset.column, li.dataset.code])).toEqual([
      ['12', '11', 'missing_target'],
      ['30', '17', 'cycle'],
    ]);
    expect(shown[0]).toHaveTextContent('第 12 行，第 11 列 跳转到不存在的步骤: step "fault" does not exist');
    expect(shown[1]).toHaveTextContent('第 30 行，第 17 列 步骤形成循环: the steps loop: a → b → a');
    expect(within(outcome).queryByTestId('script-library-warning')).toBeNull();
    expect(fake.argsOf('scripts.list')).toHaveLength(1);

    await act(() => i18n.changeLanguage('en'));
    expect(outcome).toHaveTextContent('cycle.json was not imported. Problems to fix: 2');
    expect(shown[0]).toHaveTextContent('Line 12, column 11 Goes to a step that does not exist: step "fault" does not exist');

    await userEvent.setup().click(within(outcome).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('script-library-outcome')).toBeNull();
  });

  it('does not send a file over 1 MB, and says why', async () => {
    const fake = await openLibrary({ 'scripts.list': () => [], 'scripts.import': () => ({ ok: true, script: repair, replaced: false, warnings: [] }) });
    await userEvent.upload(screen.getByTestId('script-library-input'), yamlFile('#'.repeat(1024 * 1024 + 1), 'big.yaml'));
    const outcome = await screen.findByTestId('script-library-outcome');
    expect(outcome).toHaveAttribute('data-kind', 'too_large');
    expect(outcome).toHaveTextContent('big.yaml 超过 1 MB');
    expect(fake.argsOf('scripts.import')).toEqual([]);
  });

  it('shows an import the core could not take as an error', async () => {
    await openLibrary({
      'scripts.list': () => [],
      'scripts.import': () => {
        throw new ZuoxiError('unavailable', 'the database is closed');
      },
    });
    await userEvent.upload(screen.getByTestId('script-library-input'), yamlFile('id: x\n'));
    expect(await screen.findByTestId('script-library-import-error')).toHaveAttribute('data-code', 'unavailable');
    expect(screen.queryByTestId('script-library-outcome')).toBeNull();
  });

  describe('exporting', () => {
    const downloads: Array<{ fileName: string; href: string }> = [];
    const blobs = new Map<string, Blob>();
    const created = URL.createObjectURL;
    const revoked = URL.revokeObjectURL;
    beforeEach(() => {
      downloads.length = 0;
      blobs.clear();
      URL.createObjectURL = (blob: Blob) => {
        const url = `blob:zuoxi/${blobs.size + 1}`;
        blobs.set(url, blob);
        return url;
      };
      URL.revokeObjectURL = () => undefined;
      // jsdom cannot download: the click is recorded instead of navigating.
      jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        downloads.push({ fileName: this.download, href: this.getAttribute('href') ?? '' });
      });
    });
    afterEach(() => {
      URL.createObjectURL = created;
      URL.revokeObjectURL = revoked;
      jest.restoreAllMocks();
    });

    it('downloads the script as the core wrote it, as YAML or JSON, named after its file', async () => {
      const texts = { yaml: 'id: repair-hotline\nname: 报修热线\n', json: '{\n  "id": "repair-hotline"\n}\n' };
      const fake = await openLibrary({ 'scripts.list': () => [repair, sales], 'scripts.export': ({ format }) => ({ text: texts[format ?? 'yaml'] }) });
      const row = (await screen.findAllByTestId('script-library-row'))[0]!;
      const user = userEvent.setup();

      await user.click(within(row).getByTestId('script-library-export-yaml'));
      await waitFor(() => expect(downloads).toHaveLength(1));
      expect(fake.argsOf('scripts.export')).toEqual([{ id: 'repair-hotline', format: 'yaml' }]);
      expect(downloads[0]!.fileName).toBe('报修热线.yaml');
      const yaml = blobs.get(downloads[0]!.href)!;
      expect(yaml.type).toBe('application/yaml;charset=utf-8');
      expect(await textOf(yaml)).toBe(texts.yaml);

      await user.click(within(row).getByRole('button', { name: '将「报修热线」导出为 JSON' }));
      await waitFor(() => expect(downloads).toHaveLength(2));
      expect(fake.argsOf('scripts.export').at(-1)).toEqual({ id: 'repair-hotline', format: 'json' });
      expect(downloads[1]!.fileName).toBe('报修热线.json');
      expect(await textOf(blobs.get(downloads[1]!.href)!)).toBe(texts.json);
      // The link was only there for the click.
      expect(document.querySelector('a[download]')).toBeNull();
    });

    it('shows an export the core refused, and downloads nothing', async () => {
      await openLibrary({
        'scripts.list': () => [sales],
        'scripts.export': () => {
          throw new ZuoxiError('not_found', 'No script "sales"');
        },
      });
      await userEvent.setup().click(await screen.findByTestId('script-library-export-yaml'));
      expect(await screen.findByTestId('script-library-export-error')).toHaveAttribute('data-code', 'not_found');
      expect(downloads).toEqual([]);
    });
  });

  describe('removing', () => {
    it('asks inside the drawer, then removes the script by its id and lists what is left', async () => {
      let listed: ScriptSummary[] = [repair, sales];
      const fake = await openLibrary({
        'scripts.list': () => listed,
        'scripts.remove': ({ id }) => {
          listed = listed.filter((script) => script.id !== id);
          return { id };
        },
      });
      const row = (await screen.findAllByTestId('script-library-row'))[1]!;
      const user = userEvent.setup();
      await user.click(within(row).getByRole('button', { name: '删除「电话销售」' }));
      const confirm = within(row).getByTestId('script-library-remove-confirm');
      expect(confirm).toHaveTextContent('删除 电话销售？');
      // Only that row asks; nothing is sent until the agent confirms.
      expect(screen.getAllByTestId('script-library-remove-confirm')).toHaveLength(1);
      expect(fake.argsOf('scripts.remove')).toEqual([]);

      await act(() => i18n.changeLanguage('en'));
      expect(confirm).toHaveTextContent('Delete 电话销售?');
      await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
      await waitFor(() => expect(screen.getAllByTestId('script-library-row').map((r) => r.dataset.scriptId)).toEqual(['repair-hotline']));
      expect(fake.argsOf('scripts.remove')).toEqual([{ id: 'sales' }]);
      expect(fake.argsOf('scripts.list')).toHaveLength(2);
      expect(screen.queryByTestId('script-library-remove-confirm')).toBeNull();
    });

    it('sends nothing when the agent cancels', async () => {
      const fake = await openLibrary({ 'scripts.list': () => [repair], 'scripts.remove': ({ id }) => ({ id }) });
      const user = userEvent.setup();
      await user.click(await screen.findByTestId('script-library-remove'));
      await user.click(within(screen.getByTestId('script-library-remove-confirm')).getByRole('button', { name: '取消' }));
      expect(screen.queryByTestId('script-library-remove-confirm')).toBeNull();
      expect(screen.getByTestId('script-library-remove')).toBeEnabled();
      expect(fake.argsOf('scripts.remove')).toEqual([]);
      expect(fake.argsOf('scripts.list')).toHaveLength(1);
      expect(screen.getAllByTestId('script-library-row')).toHaveLength(1);
    });

    it('shows a removal the core refused, with its reason, and keeps the list', async () => {
      const fake = await openLibrary({
        'scripts.list': () => [repair],
        'scripts.remove': () => {
          throw new ZuoxiError('not_found', 'No script "repair-hotline"');
        },
      });
      const user = userEvent.setup();
      await user.click(await screen.findByTestId('script-library-remove'));
      await user.click(within(screen.getByTestId('script-library-remove-confirm')).getByRole('button', { name: '删除' }));
      const note = await screen.findByTestId('script-library-remove-error');
      expect(note).toHaveAttribute('data-code', 'not_found');
      expect(note).toHaveTextContent('话术删除失败');
      expect(note).toHaveTextContent('No script "repair-hotline"');
      expect(fake.argsOf('scripts.remove')).toEqual([{ id: 'repair-hotline' }]);
      expect(screen.getByTestId('script-library-row')).toHaveAttribute('data-script-id', 'repair-hotline');
      expect(screen.queryByTestId('script-library-remove-confirm')).toBeNull();
    });
  });

  it('names an exported file after the imported file, else after the script’s id', () => {
    expect(exportFileName(repair, 'json')).toBe('报修热线.json');
    expect(exportFileName({ id: 'sales', fileName: null }, 'yaml')).toBe('sales.yaml');
    expect(exportFileName({ id: 'x', fileName: 'Script.YML' }, 'yaml')).toBe('Script.yaml');
  });
});
