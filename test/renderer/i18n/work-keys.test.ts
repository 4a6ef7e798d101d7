import { CALLBACK_AGENT_OUTCOMES, CALLBACK_SIP_OUTCOMES } from '../../../main/common/channels/callbacks';
import { SCRIPT_PROBLEM_CODES, WORK_ORDER_PROBLEMS, SyncStatusSchema } from '../../../main/common/channels/work';
import { LOCALES } from '../../../main/common/domain';
import { resources } from '../../../renderer/i18n';

type Tree = { [key: string]: string | Tree };

function has(tree: Tree, path: string): boolean {
  let node: string | Tree | undefined = tree;
  for (const part of path.split('.')) {
    if (typeof node !== 'object') return false;
    node = node[part];
  }
  return typeof node === 'string' && node.trim().length > 0;
}

describe('the agent’s-day words', () => {
  it('name every work-order problem code, sync activity, callback outcome and script problem code, in both languages', () => {
    const expected = [
      ...WORK_ORDER_PROBLEMS.map((code) => `wrapUp.problem.${code}`),
      ...SyncStatusSchema.shape.activity.options.map((activity) => `sync.activity.${activity}`),
      ...CALLBACK_AGENT_OUTCOMES.map((code) => `callbacks.agentOutcome.${code}`),
      ...CALLBACK_SIP_OUTCOMES.map((code) => `callbacks.sipOutcome.${code}`),
      ...SCRIPT_PROBLEM_CODES.map((code) => `scripts.library.problem.${code}`),
    ];
    for (const locale of LOCALES) {
      const tree = resources[locale].translation as unknown as Tree;
      for (const key of expected) expect([locale, key, has(tree, key)]).toEqual([locale, key, true]);
    }
  });
});
