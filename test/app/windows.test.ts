import { agentWindowOptions } from '../../main/app/windows';

describe('agentWindowOptions', () => {
  const options = agentWindowOptions('/opt/zuoxi/preload.js');
  const web = options.webPreferences!;

  test('uses the given preload', () => {
    expect(web.preload).toBe('/opt/zuoxi/preload.js');
  });

  test.each([
    ['sandbox', true],
    ['contextIsolation', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['experimentalFeatures', false],
    ['navigateOnDragDrop', false],
    ['spellcheck', false],
    ['safeDialogs', true],
  ] as const)('webPreferences.%s is %s', (flag, expected) => {
    expect(web[flag]).toBe(expected);
  });

  test('enables no extra Blink features', () => {
    expect(web.enableBlinkFeatures ?? '').toBe('');
  });

  test('developer tools are off unless asked for', () => {
    expect(web.devTools).toBe(false);
    expect(agentWindowOptions('/p.js', { devTools: true }).webPreferences!.devTools).toBe(true);
  });

  test('waits for the first paint before showing', () => {
    expect(options.show).toBe(false);
  });
});
