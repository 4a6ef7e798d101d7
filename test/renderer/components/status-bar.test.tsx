import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { start } from '../../../renderer/app/start';
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
});
