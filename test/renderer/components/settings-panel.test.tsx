import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { SettingApplies, SettingsView } from '../../../main/common/domain';
import { ZuoxiError } from '../../../main/common/errors';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { start } from '../../../renderer/app/start';
import { useSettingsStore } from '../../../renderer/features/settings/store';
import { deferred, freshApi, settingsView, type FakeHandlers, type FakeZuoxiApi } from '../fake-api';

const ACCOUNT = {
  registrar: 'sip:pbx.example.com:5060',
  domain: 'pbx.example.com',
  user: '8001',
  authUsername: null,
  displayName: '张三',
  transport: 'udp' as const,
  registerExpires: 300,
  passwordSecret: 'sip.password',
};

let unwire: (() => void) | undefined;
afterEach(() => {
  unwire?.();
  unwire = undefined;
});

/**
 * A core that keeps the view: updates land in the user layer unless IT's policy holds the
 * key, and the password only flips `passwordStored`.
 */
function settingsCore(initial: SettingsView, applies: SettingApplies = 'now') {
  const core = { view: initial, passwords: [] as string[] };
  const handlers: FakeHandlers = {
    'settings.get': () => core.view,
    'settings.update': ({ key, value }) => {
      if (core.view.values[key]?.layer === 'policy') throw new ZuoxiError('policy_locked', `${key} is set by your administrator's policy`);
      core.view = { ...core.view, values: { ...core.view.values, [key]: { value, layer: 'user' } } };
      return { settings: core.view, applies };
    },
    'calls.setPassword': ({ password }) => {
      core.passwords.push(password);
      core.view = { ...core.view, passwordStored: true };
      return {};
    },
    'app.setLocale': ({ locale }) => locale,
  };
  return { core, handlers };
}

async function openSettings(handlers: FakeHandlers): Promise<FakeZuoxiApi> {
  const fake = await freshApi({
    'app.ready': () => ({
      version: '0.1.0',
      locale: 'zh-CN',
      host: 'electron',
      status: { connection: 'offline', connectionDetail: null, connectionReason: 'not_configured', agentState: 'logged_out' },
    }),
    ...handlers,
  });
  render(<AgentWindow />);
  unwire = await act(() => start());
  await userEvent.setup().click(screen.getByTestId('settings-open'));
  await screen.findByTestId('settings-form');
  return fake;
}

const field = (name: string) => screen.getByTestId(`settings-field-${name}`);

describe('the settings screen', () => {
  it('opens from the status bar with every value, and locks what IT set, saying so', async () => {
    const { handlers } = settingsCore(
      settingsView({
        sipAccount: { value: ACCOUNT, layer: 'policy' },
        deskPhoneUri: { value: 'sip:desk-8001@192.0.2.20', layer: 'user' },
        defaultRegion: { value: 'CN', layer: 'policy' },
      }),
    );
    await openSettings(handlers);
    const panel = screen.getByTestId('settings-panel');
    expect(panel).toHaveAttribute('role', 'dialog');
    expect(field('registrar')).toHaveValue('sip:pbx.example.com:5060');
    expect(field('user')).toHaveValue('8001');
    expect(field('expires')).toHaveValue('300');
    expect(field('deskPhoneUri')).toHaveValue('sip:desk-8001@192.0.2.20');

    for (const name of ['registrar', 'domain', 'user', 'authUser', 'transport', 'expires', 'defaultRegion']) expect(field(name)).toBeDisabled();
    expect(screen.getByTestId('settings-locked-sipAccount')).toHaveTextContent('由管理员设置');
    expect(screen.getByTestId('settings-locked-defaultRegion')).toHaveTextContent('由管理员设置');
    expect(screen.getByTestId('settings-group-sipAccount')).toHaveAttribute('data-layer', 'policy');

    // The agent's own and the default values stay theirs to change.
    expect(field('deskPhoneUri')).toBeEnabled();
    expect(field('locale')).toBeEnabled();
    expect(screen.getByTestId('settings-field-edgeMode-external')).toBeEnabled();
    expect(screen.queryByTestId('settings-locked-deskPhoneUri')).toBeNull();
    expect(screen.queryByTestId('settings-locked-locale')).toBeNull();
    // The password is the agent's secret, never IT's setting: locked account or not, it can be entered.
    expect(screen.getByTestId('settings-password-input')).toBeEnabled();
  });

  it('shows bad values inline, sends nothing until they are right, then saves the account keeping what it does not show', async () => {
    const { handlers, core } = settingsCore(settingsView({ sipAccount: { value: { ...ACCOUNT, registrar: 'sip:old-pbx' }, layer: 'user' } }));
    const fake = await openSettings(handlers);
    const user = userEvent.setup();
    await user.clear(field('registrar'));
    await user.type(field('registrar'), 'pbx.example.com');
    await user.clear(field('expires'));
    await user.type(field('expires'), '2');
    await user.type(field('defaultRegion'), 'x');
    await user.click(screen.getByTestId('settings-save'));

    expect(screen.getByTestId('settings-error-registrar')).toHaveTextContent('应为 sip: 地址');
    expect(field('registrar')).toHaveAttribute('aria-invalid', 'true');
    expect(field('registrar')).toHaveAccessibleDescription(expect.stringContaining('应为 sip: 地址'));
    expect(screen.getByTestId('settings-error-expires')).toHaveTextContent('5 到 86400');
    expect(screen.getByTestId('settings-error-defaultRegion')).toHaveTextContent('两个大写字母');
    expect(screen.getByTestId('settings-outcome')).toHaveTextContent('请先更正标出的项');
    expect(fake.argsOf('settings.update')).toEqual([]);

    await user.clear(field('registrar'));
    await user.type(field('registrar'), ' sip:pbx.example.com:5060 ');
    expect(screen.queryByTestId('settings-error-registrar')).toBeNull();
    await user.clear(field('expires'));
    await user.type(field('expires'), '600');
    await user.clear(field('defaultRegion'));
    await user.type(field('defaultRegion'), 'HK');
    await user.selectOptions(field('transport'), 'tcp');
    await user.click(screen.getByTestId('settings-save'));

    await waitFor(() => expect(screen.getByTestId('settings-outcome')).toHaveTextContent('已保存'));
    expect(fake.argsOf('settings.update')).toEqual([
      // The display name and the secret's name are not on the form and are kept as they were.
      { key: 'sipAccount', value: { ...ACCOUNT, registrar: 'sip:pbx.example.com:5060', transport: 'tcp', registerExpires: 600 } },
      { key: 'defaultRegion', value: 'HK' },
    ]);
    expect(core.view.values.sipAccount.layer).toBe('user');
    expect(field('registrar')).toHaveValue('sip:pbx.example.com:5060');
  });

  it("shows the core's refusal next to the setting it refused, and keeps what the agent typed", async () => {
    const { handlers } = settingsCore(settingsView());
    handlers['settings.update'] = ({ key }) => {
      throw new ZuoxiError('invalid_input', `${key} was not saved: deskPhoneUri: a sip: URI <script>`);
    };
    const fake = await openSettings(handlers);
    const user = userEvent.setup();
    await user.type(field('deskPhoneUri'), 'sip:desk@phone');
    await user.click(screen.getByTestId('settings-save'));
    const refusal = await screen.findByTestId('settings-refusal-deskPhoneUri');
    // Next to the setting it is about, not at the foot of the form.
    expect(screen.getByTestId('settings-group-deskPhoneUri')).toContainElement(refusal);
    expect(refusal).toHaveAttribute('data-code', 'invalid_input');
    expect(refusal).toHaveTextContent('输入有误');
    expect(refusal).toHaveTextContent('deskPhoneUri: a sip: URI <script>');
    expect(refusal.querySelector('script')).toBeNull();
    expect(field('deskPhoneUri')).toHaveValue('sip:desk@phone');
    expect(fake.argsOf('settings.update')).toHaveLength(1);
  });

  it('says when a policy_locked refusal comes back for a value that was locked meanwhile', async () => {
    const { handlers, core } = settingsCore(settingsView());
    await openSettings(handlers);
    core.view = settingsView({ deskPhoneUri: { value: null, layer: 'policy' } });
    const user = userEvent.setup();
    await user.type(field('deskPhoneUri'), 'sip:desk@phone');
    await user.click(screen.getByTestId('settings-save'));
    expect(await screen.findByTestId('settings-refusal-deskPhoneUri')).toHaveTextContent('此项由管理员设置');
  });

  it('sends the SIP password to calls.setPassword, clears it at once and never shows it', async () => {
    const { handlers, core } = settingsCore(settingsView({ sipAccount: { value: ACCOUNT, layer: 'user' } }));
    const reply = deferred<Record<string, never>>();
    handlers['calls.setPassword'] = async ({ password }) => {
      core.passwords.push(password);
      await reply.promise;
      core.view = { ...core.view, passwordStored: true };
      return {};
    };
    await openSettings(handlers);
    const user = userEvent.setup();
    const input = screen.getByTestId('settings-password-input');
    expect(input).toHaveAttribute('type', 'password');
    expect(input).toHaveAttribute('autocomplete', 'new-password');
    expect(screen.getByTestId('settings-password-state')).toHaveAttribute('data-stored', 'false');

    await user.type(input, 'S3cret-pa55');
    await user.click(screen.getByTestId('settings-password-save'));
    expect(core.passwords).toEqual(['S3cret-pa55']);
    // Gone from the page while the core is still working on it.
    expect(input).toHaveValue('');
    await act(async () => reply.resolve({}));
    await waitFor(() => expect(screen.getByTestId('settings-password-state')).toHaveAttribute('data-stored', 'true'));
    expect(screen.getByTestId('settings-password-state')).toHaveTextContent('已保存密码');

    expect(document.body.innerHTML).not.toContain('S3cret-pa55');
    expect(JSON.stringify(useSettingsStore.getState())).not.toContain('S3cret-pa55');
    // Saving the other settings does not carry it either.
    await user.click(screen.getByTestId('settings-save'));
    expect(core.passwords).toEqual(['S3cret-pa55']);
  });

  it('asks for the account before a password can be entered', async () => {
    const { handlers } = settingsCore(settingsView());
    await openSettings(handlers);
    expect(screen.getByTestId('settings-password-input')).toBeDisabled();
    expect(screen.getByTestId('settings-password-save')).toBeDisabled();
    expect(screen.getByTestId('settings-group-password')).toHaveTextContent('请先保存 SIP 账号');
  });

  it('switches the language from the screen, and says when a SIP change waits for the calls to end', async () => {
    const { handlers } = settingsCore(settingsView(), 'after_calls');
    const fake = await openSettings(handlers);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('settings-field-edgeMode-external'));
    await user.type(field('edgeHost'), '10.0.0.5');
    await user.selectOptions(field('locale'), 'en');
    await user.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.getByTestId('settings-outcome')).toHaveTextContent('Saved · Takes effect when the current calls end'));
    expect(fake.argsOf('settings.update')).toEqual([
      { key: 'sipEdge', value: { mode: 'external', host: '10.0.0.5', port: 9022 } },
      { key: 'locale', value: 'en' },
    ]);
    expect(screen.getByRole('heading', { name: 'Settings' })).toBeInTheDocument();
    expect(screen.getByTestId('language-switch')).toHaveValue('en');
  });

  it('locks the status bar language switch when IT sets the language', async () => {
    const { handlers } = settingsCore(settingsView({ locale: { value: 'zh-CN', layer: 'policy' } }));
    await openSettings(handlers);
    expect(screen.getByTestId('language-switch')).toBeDisabled();
    expect(field('locale')).toBeDisabled();
  });

  it('follows a settings.changed push without losing what the agent is typing', async () => {
    const { handlers } = settingsCore(settingsView());
    const fake = await openSettings(handlers);
    const user = userEvent.setup();
    await user.type(field('deskPhoneUri'), 'sip:typing');
    act(() => fake.emit('settings.changed', settingsView({ defaultRegion: { value: 'CN', layer: 'policy' } })));
    expect(field('defaultRegion')).toBeDisabled();
    expect(field('deskPhoneUri')).toHaveValue('sip:typing');
  });

  it('shows IT’s value in a field the agent was editing when IT locks it', async () => {
    const { handlers } = settingsCore(settingsView());
    const fake = await openSettings(handlers);
    const user = userEvent.setup();
    await user.type(field('deskPhoneUri'), 'sip:mine@desk');
    act(() => fake.emit('settings.changed', settingsView({ deskPhoneUri: { value: 'sip:it@desk', layer: 'policy' } })));
    expect(field('deskPhoneUri')).toBeDisabled();
    expect(field('deskPhoneUri')).toHaveValue('sip:it@desk');
  });

  it('closes with Escape or Close, and gives the focus back to the settings button', async () => {
    const { handlers } = settingsCore(settingsView());
    await openSettings(handlers);
    const user = userEvent.setup();
    expect(screen.getByTestId('settings-close')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('settings-panel')).toBeNull();
    expect(screen.getByTestId('settings-open')).toHaveFocus();
    await user.click(screen.getByTestId('settings-open'));
    await user.click(within(await screen.findByTestId('settings-panel')).getByTestId('settings-close'));
    expect(screen.queryByTestId('settings-panel')).toBeNull();
  });

  describe('the KPI section', () => {
    const ENDPOINT = { url: 'https://bi.example.com/kpi?agent={agent}&month={month}', tokenSecret: 'bi.token', timeoutMs: 5000 };

    it('shows the stored zone and endpoint, and the token and timeout only with a URL', async () => {
      const { handlers } = settingsCore(settingsView({ kpi: { value: { centerUtcOffsetMinutes: 480, factsEndpoint: ENDPOINT }, layer: 'user' } }));
      await openSettings(handlers);
      expect(screen.getByTestId('settings-group-kpi')).toHaveAttribute('data-layer', 'user');
      expect(screen.getByTestId('settings-group-kpi')).toHaveTextContent('考核');
      expect(field('kpiZone')).toHaveValue('480');
      expect(field('kpiZone')).toHaveDisplayValue('UTC+08:00（北京时间）');
      expect(field('kpiUrl')).toHaveValue(ENDPOINT.url);
      expect(field('kpiUrl')).toHaveAccessibleDescription(expect.stringContaining('{agent} 和 {month}'));
      expect(field('kpiToken')).toHaveValue('bi.token');
      expect(field('kpiTimeout')).toHaveValue('5000');
      expect(field('kpiZone')).toBeEnabled();

      const user = userEvent.setup();
      await user.clear(field('kpiUrl'));
      expect(screen.queryByTestId('settings-field-kpiToken')).toBeNull();
      expect(screen.queryByTestId('settings-field-kpiTimeout')).toBeNull();
    });

    it("offers this computer's zone and every half hour from UTC−12:00 to UTC+14:00", async () => {
      const { handlers } = settingsCore(settingsView());
      await openSettings(handlers);
      expect(field('kpiZone')).toHaveDisplayValue('本机时区');
      const options = within(field('kpiZone')).getAllByRole('option');
      expect(options.map((option) => option.getAttribute('value'))).toEqual(['local', ...Array.from({ length: 53 }, (_, i) => String(-720 + i * 30))]);
      expect(options[1]).toHaveTextContent('UTC\u221212:00');
      expect(options.at(-1)).toHaveTextContent('UTC+14:00');
      expect(within(field('kpiZone')).getByRole('option', { name: 'UTC+05:30' })).toHaveValue('330');
    });

    it('saves the zone in minutes and the whole endpoint, with the default timeout', async () => {
      const { handlers, core } = settingsCore(settingsView());
      const fake = await openSettings(handlers);
      const user = userEvent.setup();
      expect(screen.queryByTestId('settings-field-kpiTimeout')).toBeNull();
      await user.selectOptions(field('kpiZone'), '330');
      await user.type(field('kpiUrl'), ` ${ENDPOINT.url.replace(/[{[]/g, '$&$&')} `);
      expect(field('kpiTimeout')).toHaveValue('10000');
      await user.type(field('kpiToken'), 'bi.token');
      await user.click(screen.getByTestId('settings-save'));

      await waitFor(() => expect(screen.getByTestId('settings-outcome')).toHaveTextContent('已保存 · 已生效'));
      expect(fake.argsOf('settings.update')).toEqual([
        { key: 'kpi', value: { centerUtcOffsetMinutes: 330, factsEndpoint: { url: ENDPOINT.url, tokenSecret: 'bi.token', timeoutMs: 10_000 } } },
      ]);
      expect(core.view.values.kpi?.layer).toBe('user');
      expect(field('kpiUrl')).toHaveValue(ENDPOINT.url);
    });

    it('shows a bad URL or timeout inline and sends nothing', async () => {
      const { handlers } = settingsCore(settingsView());
      const fake = await openSettings(handlers);
      const user = userEvent.setup();
      await user.type(field('kpiUrl'), 'ftp://bi.example.com/kpi');
      await user.click(screen.getByTestId('settings-save'));
      expect(screen.getByTestId('settings-error-kpiUrl')).toHaveTextContent('应为 http:// 或 https:// 地址');
      expect(field('kpiUrl')).toHaveAttribute('aria-invalid', 'true');
      expect(screen.queryByTestId('settings-error-kpiTimeout')).toBeNull();
      expect(screen.getByTestId('settings-outcome')).toHaveTextContent('请先更正标出的项');

      await user.clear(field('kpiUrl'));
      await user.type(field('kpiUrl'), 'https://bi.example.com/kpi');
      expect(screen.queryByTestId('settings-error-kpiUrl')).toBeNull();
      await user.clear(field('kpiTimeout'));
      await user.type(field('kpiTimeout'), '50');
      await user.click(screen.getByTestId('settings-save'));
      expect(screen.getByTestId('settings-error-kpiTimeout')).toHaveTextContent('100 到 120000');
      expect(fake.argsOf('settings.update')).toEqual([]);
    });

    it('saves no endpoint when the URL is cleared', async () => {
      const { handlers } = settingsCore(settingsView({ kpi: { value: { centerUtcOffsetMinutes: 480, factsEndpoint: ENDPOINT }, layer: 'user' } }));
      const fake = await openSettings(handlers);
      const user = userEvent.setup();
      await user.clear(field('kpiUrl'));
      await user.click(screen.getByTestId('settings-save'));
      await waitFor(() => expect(fake.argsOf('settings.update')).toEqual([{ key: 'kpi', value: { centerUtcOffsetMinutes: 480, factsEndpoint: null } }]));
    });

    it('is locked when IT sets it, and a change made before the lock is not sent', async () => {
      const { handlers, core } = settingsCore(settingsView());
      const fake = await openSettings(handlers);
      const user = userEvent.setup();
      await user.selectOptions(field('kpiZone'), '480');
      core.view = settingsView({ kpi: { value: { centerUtcOffsetMinutes: 540, factsEndpoint: ENDPOINT }, layer: 'policy' } });
      act(() => fake.emit('settings.changed', core.view));
      expect(screen.getByTestId('settings-locked-kpi')).toHaveTextContent('由管理员设置');
      for (const name of ['kpiZone', 'kpiUrl']) expect(field(name)).toBeDisabled();
      // IT's values show, not the agent's unsaved choice.
      expect(field('kpiZone')).toHaveValue('540');
      expect(field('kpiUrl')).toHaveValue(ENDPOINT.url);
      expect(field('kpiTimeout')).toHaveValue('5000');

      await user.type(field('deskPhoneUri'), 'sip:desk@phone');
      await user.click(screen.getByTestId('settings-save'));
      await waitFor(() => expect(screen.getByTestId('settings-outcome')).toHaveTextContent('已保存'));
      expect(fake.argsOf('settings.update')).toEqual([{ key: 'deskPhoneUri', value: 'sip:desk@phone' }]);
    });

    it("shows the core's refusal in the section", async () => {
      const { handlers } = settingsCore(settingsView());
      handlers['settings.update'] = () => {
        throw new ZuoxiError('invalid_input', 'kpi was not saved: kpi.factsEndpoint.url: an http(s) URL');
      };
      await openSettings(handlers);
      const user = userEvent.setup();
      await user.type(field('kpiUrl'), 'https://bi.example.com/kpi');
      await user.click(screen.getByTestId('settings-save'));
      const refusal = await screen.findByTestId('settings-refusal-kpi');
      expect(screen.getByTestId('settings-group-kpi')).toContainElement(refusal);
      expect(refusal).toHaveTextContent('kpi.factsEndpoint.url: an http(s) URL');
      expect(field('kpiUrl')).toHaveValue('https://bi.example.com/kpi');
    });
  });

  it('says so when the settings cannot be read, and reads them again on Retry', async () => {
    let fail = true;
    const { handlers } = settingsCore(settingsView());
    const read = handlers['settings.get']!;
    handlers['settings.get'] = (args) => {
      if (fail) throw new ZuoxiError('unavailable', 'database is busy');
      return read(args);
    };
    await freshApi({
      'app.ready': () => ({ version: '0.1.0', locale: 'zh-CN', host: 'electron', status: { connection: 'offline', connectionDetail: null, agentState: 'logged_out' } }),
      ...handlers,
    });
    render(<AgentWindow />);
    unwire = await act(() => start());
    const user = userEvent.setup();
    await user.click(screen.getByTestId('settings-open'));
    expect(await screen.findByTestId('settings-load-error')).toHaveTextContent('设置读取失败');
    fail = false;
    await user.click(within(screen.getByTestId('settings-load-error')).getByRole('button'));
    expect(await screen.findByTestId('settings-form')).toBeInTheDocument();
  });
});
