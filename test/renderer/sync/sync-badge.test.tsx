import '@testing-library/jest-dom';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { wirePushes } from '../../../renderer/app/wire-pushes';
import { StatusBar } from '../../../renderer/features/status/components/status-bar';
import { useSyncStore } from '../../../renderer/features/sync/store';
import { i18n } from '../../../renderer/i18n';
import { freshApi, syncStatus } from '../fake-api';

let unwire: (() => void) | undefined;
afterEach(() => {
  unwire?.();
  unwire = undefined;
});

describe('the "waiting to sync" badge', () => {
  it('is hidden while nothing waits and the worker is idle', async () => {
    await freshApi();
    unwire = wirePushes();
    render(<StatusBar />);
    await waitFor(() => expect(useSyncStore.getState().status).not.toBeNull());
    expect(screen.queryByTestId('sync-badge')).toBeNull();
  });

  it('shows the count from sync.status, follows sync.changed, and hides again once drained', async () => {
    const fake = await freshApi({ 'sync.status': () => syncStatus({ activity: 'not_configured', pending: 3 }) });
    unwire = wirePushes();
    render(<StatusBar />);
    expect(await screen.findByTestId('sync-pending')).toHaveTextContent('3 条待同步');
    expect(screen.getByTestId('sync-badge')).toHaveAttribute('title', '未配置后台地址，记录在本机等待');

    act(() => fake.emit('sync.changed', syncStatus({ activity: 'sending', pending: 5, sending: 2, progress: { done: 1, total: 6 } })));
    expect(screen.getByTestId('sync-pending')).toHaveTextContent('5 条待同步');
    expect(screen.getByTestId('sync-progress')).toHaveTextContent('已发送 1/6');
    await act(() => i18n.changeLanguage('en'));
    expect(screen.getByTestId('sync-pending')).toHaveTextContent('5 waiting to sync');

    act(() => fake.emit('sync.changed', syncStatus({ activity: 'idle', pending: 0, progress: { done: 6, total: 6 } })));
    expect(screen.queryByTestId('sync-badge')).toBeNull();
  });

  it('shows the failed count with the last error as a text tooltip, and retries the refused records', async () => {
    const fake = await freshApi({ 'sync.retryFailed': () => ({ requeued: 2 }) });
    unwire = wirePushes();
    render(<StatusBar />);
    await waitFor(() => expect(useSyncStore.getState().status).not.toBeNull());
    const error = '422 <b>bad</b> work order';
    act(() => fake.emit('sync.changed', syncStatus({ activity: 'idle', pending: 0, failed: 2, lastError: error })));
    expect(screen.getByTestId('sync-failed')).toHaveTextContent('2 条被拒收');
    expect(screen.getByTestId('sync-badge').getAttribute('title')).toBe(`同步空闲\n最近错误：${error}`);
    expect(screen.getByTestId('sync-badge').querySelector('b')).toBeNull();

    await userEvent.setup().click(screen.getByTestId('sync-retry'));
    expect(fake.argsOf('sync.retryFailed')).toEqual([{}]);
  });
});
