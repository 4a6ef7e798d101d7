import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { start } from '../../../renderer/app/start';
import type { ConnectionReason, WorkstationStatus } from '../../../main/common/domain';
import { CONNECTION_REASONS } from '../../../main/common/domain';
import { i18n } from '../../../renderer/i18n';
import { freshApi } from '../fake-api';

async function renderWindow() {
  const fake = await freshApi({
    'app.ready': () => ({
      version: '0.1.0',
      locale: 'zh-CN',
      host: 'headless',
      status: { connection: 'offline', connectionDetail: '注册失败 403', agentState: 'logged_out' },
    }),
    'app.setLocale': ({ locale }) => locale,
  });
  render(<AgentWindow />);
  const unwire = await act(() => start());
  return { fake, unwire };
}

describe('the status bar', () => {
  it('shows the line and agent state from app.ready and follows status pushes', async () => {
    const { fake, unwire } = await renderWindow();
    expect(screen.getByTestId('status-connection')).toHaveTextContent('离线');
    expect(screen.getByTestId('status-connection-detail')).toHaveTextContent('注册失败 403');
    expect(screen.getByTestId('status-agent-state')).toHaveTextContent('未登录');

    act(() => fake.emit('status.changed', { connection: 'online', connectionDetail: null, agentState: 'on_call' }));
    expect(screen.getByTestId('status-connection')).toHaveTextContent('在线');
    expect(screen.getByTestId('status-connection')).toHaveAttribute('data-state', 'online');
    expect(screen.getByTestId('status-agent-state')).toHaveTextContent('通话中');
    expect(screen.queryByTestId('status-connection-detail')).toBeNull();
    unwire();
  });

  it('switches every visible string between zh-CN and English, and saves the choice', async () => {
    const { fake, unwire } = await renderWindow();
    const user = userEvent.setup();
    const search = screen.getByTestId('search-input');
    expect(search).toHaveAttribute('placeholder', '姓名、公司或号码');
    expect(screen.getByTestId('caller-card-empty')).toHaveTextContent('搜索联系人或接听来电后');

    await user.selectOptions(screen.getByTestId('language-switch'), 'en');
    expect(search).toHaveAttribute('placeholder', 'Name, company or number');
    expect(screen.getByTestId('status-connection')).toHaveTextContent('Offline');
    expect(screen.getByTestId('caller-card-empty')).toHaveTextContent('Search for a contact');
    expect(screen.getByRole('heading', { name: 'Import contacts' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('en');
    expect(fake.argsOf('app.setLocale')).toEqual([{ locale: 'en' }]);

    await user.selectOptions(screen.getByTestId('language-switch'), 'zh-CN');
    expect(screen.getByTestId('status-connection')).toHaveTextContent('离线');
    expect(screen.getByRole('heading', { name: '导入联系人' })).toBeInTheDocument();
    unwire();
  });

  it('translates why the line is not online in both languages, and shows the registrar’s words as text', async () => {
    const { fake, unwire } = await renderWindow();
    const status = (connectionReason: ConnectionReason | null, connectionDetail: string | null = null): WorkstationStatus => ({
      connection: connectionReason === null ? 'online' : connectionReason === 'registering' ? 'connecting' : 'offline',
      connectionDetail,
      connectionReason,
      agentState: 'logged_out',
    });
    const reason = () => screen.getByTestId('status-connection-reason');

    act(() => fake.emit('status.changed', status('auth_failed', '403 Forbidden <b>x</b>')));
    expect(reason()).toHaveAttribute('data-reason', 'auth_failed');
    expect(reason()).toHaveTextContent('认证失败：账号或密码错误');
    expect(screen.getByTestId('status-connection-detail').textContent).toBe('403 Forbidden <b>x</b>');
    expect(screen.getByTestId('status-bar').querySelector('b')).toBeNull();

    act(() => fake.emit('status.changed', status('registering')));
    expect(reason()).toHaveTextContent('正在注册');
    expect(screen.getByTestId('status-connection')).toHaveTextContent('连接中');
    act(() => fake.emit('status.changed', status(null)));
    expect(reason()).toHaveAttribute('data-reason', 'registered');
    expect(reason()).toHaveTextContent('已注册');

    // A core that leaves the reason out does not leave the previous one standing.
    act(() => fake.emit('status.changed', { connection: 'offline', connectionDetail: null, agentState: 'logged_out' }));
    expect(screen.queryByTestId('status-connection-reason')).toBeNull();

    const expected: Record<ConnectionReason, [string, string]> = {
      not_configured: ['未配置 SIP 账号', 'No SIP account set up'],
      no_password: ['未保存 SIP 密码', 'No SIP password saved'],
      registering: ['正在注册…', 'Registering…'],
      auth_failed: ['认证失败：账号或密码错误', 'Sign-in refused: wrong account or password'],
      unreachable: ['无法连接到服务器', 'Cannot reach the server'],
      rejected: ['注册被服务器拒绝', 'The server refused the registration'],
      edge_failed: ['SIP 模块无法启动', 'The SIP module could not start'],
    };
    for (const code of CONNECTION_REASONS) {
      act(() => fake.emit('status.changed', status(code)));
      expect([code, reason().textContent]).toEqual([code, expected[code][0]]);
    }
    await act(() => i18n.changeLanguage('en'));
    for (const code of CONNECTION_REASONS) {
      act(() => fake.emit('status.changed', status(code)));
      expect([code, reason().textContent]).toEqual([code, expected[code][1]]);
    }
    unwire();
  });
});
