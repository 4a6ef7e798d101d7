import { z } from 'zod';
import { channels, isChannel, isPush, pushes } from '../../main/common/contract';
import { PUSH_NAMES } from '../../main/common/constants';

describe('the IPC contract', () => {
  it.each(Object.keys(channels))('%s refuses unknown payload keys', (name) => {
    const schema = channels[name as keyof typeof channels].args;
    expect(schema).toBeInstanceOf(z.ZodObject);
    const accepted = schema.safeParse({ __unexpected: true });
    expect(accepted.success).toBe(false);
    expect(accepted.error?.issues.some((issue) => issue.code === 'unrecognized_keys')).toBe(true);
  });

  it('names the same pushes in the zod-free list as in the schemas', () => {
    expect([...PUSH_NAMES].sort()).toEqual(Object.keys(pushes).sort());
  });

  it('recognises only its own names, not inherited properties', () => {
    expect(isChannel('directory.search')).toBe(true);
    expect(isPush('status.changed')).toBe(true);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(isChannel(name)).toBe(false);
      expect(isPush(name)).toBe(false);
    }
  });
});
