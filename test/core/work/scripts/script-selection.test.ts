import { importScript } from '../../../../main/core/work/scripts/script-import';
import type { Script } from '../../../../main/core/work/scripts/script-model';
import { choiceConflicts, chooseScript, normaliseDialled } from '../../../../main/core/work/scripts/script-selection';
import { fixture } from './fixtures';

function script(id: string, chosenBy: Partial<Script['chosenBy']>): Script {
  return { id, name: id, version: 1, chosenBy: { numbers: [], queues: [], default: false, ...chosenBy }, snippets: [], steps: [{ type: 'end', id: 'e' }] };
}

describe('choosing the script for a call', () => {
  const hotline = (() => {
    const result = importScript(fixture('repair-hotline.yaml'));
    if (!result.ok) throw new Error('fixture refused');
    return result.script;
  })();
  const sales = script('sales', { queues: ['sales'], numbers: ['4008001234'] });
  const fallback = script('general', { default: true });
  const library = [fallback, sales, hotline];

  it('picks by dialled number first (digits compared), then by queue, then the default', () => {
    expect(chooseScript(library, { dialled: '95598', queue: 'sales' })?.id).toBe('repair-hotline');
    expect(chooseScript(library, { dialled: '+86 10 9559-8000' })?.id).toBe('repair-hotline');
    expect(chooseScript(library, { dialled: '400-800-1234' })?.id).toBe('sales');
    expect(chooseScript(library, { dialled: '12345', queue: 'repair' })?.id).toBe('repair-hotline');
    expect(chooseScript(library, { dialled: '12345', queue: 'billing' })?.id).toBe('general');
    expect(chooseScript([sales, hotline], { dialled: null, queue: null })).toBeNull();
  });

  it('keeps a leading + apart from the same digits without it', () => {
    expect(normaliseDialled(' +86 (10) 9559-8000 ')).toBe('+861095598000');
    expect(normaliseDialled('861095598000')).toBe('861095598000');
  });

  it('lists numbers, queues and defaults claimed by more than one script', () => {
    expect(choiceConflicts(library)).toEqual([]);
    const clash = [...library, script('other', { numbers: ['955 98'], queues: ['sales'], default: true })];
    expect(choiceConflicts(clash)).toEqual([
      { kind: 'default', value: '', scriptIds: ['general', 'other'] },
      { kind: 'queue', value: 'sales', scriptIds: ['sales', 'other'] },
      { kind: 'number', value: '95598', scriptIds: ['repair-hotline', 'other'] },
    ]);
  });
});
