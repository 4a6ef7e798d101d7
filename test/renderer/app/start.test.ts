import { waitFor } from '@testing-library/react';
import type { AppInfo } from '../../../main/common/domain';
import { ZuoxiError } from '../../../main/common/errors';
import { start } from '../../../renderer/app/start';
import { useDirectoryStore } from '../../../renderer/features/directory/store';
import { useLocaleStore } from '../../../renderer/features/locale/store';
import { useStatusStore } from '../../../renderer/features/status/store';
import { i18n } from '../../../renderer/i18n';
import { deferred, freshApi } from '../fake-api';

const info: AppInfo = {
  version: '1.2.3',
  locale: 'en',
  host: 'electron',
  status: { connection: 'connecting', connectionDetail: 'registering', agentState: 'not_ready' },
};

let unwire: (() => void) | undefined;
afterEach(() => unwire?.());

describe('start-up', () => {
  it('subscribes to pushes before saying app.ready, so pushes released by it are not lost', async () => {
    const fake = await freshApi({
      'app.ready': () => {
        expect(fake.listenerCount('status.changed')).toBe(1);
        expect(fake.listenerCount('directory.importProgress')).toBe(1);
        return info;
      },
    });
    unwire = await start();
    expect(fake.argsOf('app.ready')).toEqual([{}]);
  });

  it('applies AppInfo: status, version and the saved locale, without saving the locale again', async () => {
    const fake = await freshApi({ 'app.ready': () => info });
    unwire = await start();
    expect(useStatusStore.getState()).toMatchObject({
      connection: 'connecting',
      connectionDetail: 'registering',
      agentState: 'not_ready',
      version: '1.2.3',
      host: 'electron',
      link: 'up',
    });
    expect(useLocaleStore.getState().locale).toBe('en');
    expect(i18n.language).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(fake.argsOf('app.setLocale')).toEqual([]);
  });

  it('routes status and import-progress pushes to their stores', async () => {
    const importReply = deferred<never>();
    const fake = await freshApi({ 'app.ready': () => info, 'directory.import': () => importReply.promise });
    unwire = await start();

    fake.emit('status.changed', { connection: 'online', connectionDetail: null, agentState: 'ringing' });
    expect(useStatusStore.getState()).toMatchObject({ connection: 'online', agentState: 'ringing' });

    void useDirectoryStore.getState().importFile(new File(['a'], 'a.csv'));
    await waitFor(() => expect(useDirectoryStore.getState().import.phase).toBe('running'));
    fake.emit('directory.importProgress', { importId: 'i', processed: 4, total: 8 });
    expect(useDirectoryStore.getState().import).toMatchObject({ phase: 'running', processed: 4, total: 8 });
  });

  it('stops routing pushes once unwired', async () => {
    const fake = await freshApi({ 'app.ready': () => info });
    const stop = await start();
    stop();
    fake.emit('status.changed', { connection: 'online', connectionDetail: null, agentState: 'on_call' });
    expect(useStatusStore.getState().agentState).toBe('not_ready');
  });

  it('records why app.ready failed and still leaves the window usable in zh-CN', async () => {
    await freshApi({
      'app.ready': () => {
        throw new ZuoxiError('unavailable', 'core still starting');
      },
    });
    unwire = await start();
    expect(useStatusStore.getState().startError).toEqual({ code: 'unavailable', message: 'core still starting' });
    expect(i18n.language).toBe('zh-CN');
  });
});

describe('locale store', () => {
  it('switches the language at once and saves the choice through app.setLocale', async () => {
    const fake = await freshApi({ 'app.setLocale': ({ locale }) => locale });
    await useLocaleStore.getState().choose('en');
    expect(i18n.t('search.label')).toBe('Search contacts');
    expect(fake.argsOf('app.setLocale')).toEqual([{ locale: 'en' }]);

    await useLocaleStore.getState().choose('zh-CN');
    expect(i18n.t('search.label')).toBe('搜索联系人');
    expect(fake.argsOf('app.setLocale')).toEqual([{ locale: 'en' }, { locale: 'zh-CN' }]);
  });

  it('does not save a choice that is already the current one', async () => {
    const fake = await freshApi({ 'app.setLocale': ({ locale }) => locale });
    await useLocaleStore.getState().choose('zh-CN');
    expect(fake.argsOf('app.setLocale')).toEqual([]);
  });

  it('keeps the chosen language when saving fails, and says it was not saved', async () => {
    await freshApi({
      'app.setLocale': () => {
        throw new ZuoxiError('unavailable', 'settings file is read-only');
      },
    });
    await useLocaleStore.getState().choose('en');
    expect(useLocaleStore.getState()).toMatchObject({ locale: 'en', saveError: { code: 'unavailable' } });
    expect(i18n.language).toBe('en');
  });
});
