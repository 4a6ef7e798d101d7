import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ImportReport } from '../../../main/common/domain';
import { ZuoxiError } from '../../../main/common/errors';
import { wirePushes } from '../../../renderer/app/wire-pushes';
import { ImportPanel } from '../../../renderer/features/directory/components/import-panel';
import { deferred, freshApi } from '../fake-api';

const report: ImportReport = {
  importId: 'imp-7',
  format: 'csv',
  encoding: 'gbk',
  totalRows: 5,
  imported: 2,
  merged: 1,
  errors: [
    { row: 2, code: 'missing_name', detail: '', reason: 'missing name' },
    { row: 5, code: 'no_valid_number', detail: '<img src=x onerror=alert(1)>', reason: 'no valid phone number' },
  ],
  warnings: [{ row: 4, code: 'invalid_number_dropped', detail: '12', reason: '"12" is not a valid phone number' }],
  ignoredColumns: ['备注2'],
};

describe('the import panel', () => {
  it('shows progress while the core imports, then the counts and every bad row with its reason', async () => {
    const reply = deferred<ImportReport>();
    const fake = await freshApi({ 'directory.import': () => reply.promise });
    const unwire = wirePushes();
    const user = userEvent.setup();
    const view = render(<ImportPanel />);

    const input = screen.getByTestId('import-input');
    expect(input).toHaveAttribute('accept', expect.stringContaining('.csv'));
    expect(input).toHaveAttribute('accept', expect.stringContaining('.vcf'));
    await user.upload(input, new File(['姓名,电话\n'], '客户.csv', { type: 'text/csv' }));

    const progress = await screen.findByTestId('import-progress');
    expect(progress).not.toHaveAttribute('value'); // indeterminate until the core says how many
    expect(input).toBeDisabled();
    act(() => fake.emit('directory.importProgress', { importId: 'imp-7', processed: 3, total: 5 }));
    expect(progress).toHaveAttribute('value', '3');
    expect(progress).toHaveAttribute('max', '5');
    expect(screen.getByRole('progressbar', { name: '导入进度' })).toBe(progress);
    expect(screen.getByText('已处理 3 / 5')).toBeInTheDocument();

    await act(async () => reply.resolve(report));
    expect(screen.queryByTestId('import-progress')).toBeNull();
    const shown = screen.getByTestId('import-report');
    expect(within(shown).getByTestId('import-imported')).toHaveTextContent('2');
    expect(within(shown).getByTestId('import-merged')).toHaveTextContent('1');
    expect(within(shown).getByTestId('import-encoding')).toHaveTextContent('gbk');
    const rows = within(shown).getAllByTestId('import-error-row');
    expect(rows.map((row) => row.textContent)).toEqual([
      '第 2 行缺少姓名',
      '第 5 行没有有效的电话号码（<img src=x onerror=alert(1)>）',
    ]);
    expect(rows[0]!.querySelector('[title]')).toHaveAttribute('title', 'missing name');
    const warned = within(shown).getAllByTestId('import-warning-row');
    expect(warned.map((row) => row.textContent)).toEqual(['第 4 行“12”不是有效号码，已略过该号码']);
    expect(view.container.querySelector('img')).toBeNull();
    expect(input).toBeEnabled();
    unwire();
  });

  it('says why when the core cannot read the file', async () => {
    await freshApi({
      'directory.import': () => {
        throw new ZuoxiError('import_failed', 'neither CSV nor vCard');
      },
    });
    render(<ImportPanel />);
    await userEvent.setup().upload(screen.getByTestId('import-input'), new File(['?'], 'x.vcf'));
    const failure = await screen.findByTestId('import-failure');
    expect(failure).toHaveTextContent('导入失败');
    expect(failure).toHaveTextContent('neither CSV nor vCard');
  });
});
