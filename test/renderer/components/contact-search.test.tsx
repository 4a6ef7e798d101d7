import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ContactSearch } from '../../../renderer/features/directory/components/contact-search';
import { contactCard, freshApi, summary } from '../fake-api';

async function setup() {
  const fake = await freshApi({
    'directory.search': ({ query }) => [summary(1, `${query}一`), summary(2, `${query}二`), summary(3, `${query}三`)],
    'directory.card': ({ contactId }) => contactCard(contactId),
    'directory.history': () => ({ items: [], nextCursor: null }),
  });
  render(<ContactSearch />);
  return { fake, user: userEvent.setup(), input: screen.getByTestId('search-input') };
}

describe('contact search', () => {
  it('waits until typing pauses and then searches once, for the whole query', async () => {
    const { fake, user, input } = await setup();
    await user.type(input, '王芳芳');
    expect(await screen.findAllByTestId('search-result')).toHaveLength(3);
    expect(fake.argsOf('directory.search')).toEqual([{ query: '王芳芳', limit: 50 }]);
    expect(screen.getByTestId('search-status')).toHaveTextContent('共 3 条结果');
  });

  it('moves through the results with the arrow keys and opens the highlighted one with Enter', async () => {
    const { fake, user, input } = await setup();
    await user.type(input, '王');
    const results = await screen.findAllByTestId('search-result');
    expect(results[0]).toHaveAttribute('aria-selected', 'true');

    await user.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}{ArrowUp}');
    expect(results[1]).toHaveAttribute('aria-selected', 'true');
    expect(input).toHaveAttribute('aria-activedescendant', results[1]!.id);

    await user.keyboard('{Enter}');
    await waitFor(() => expect(fake.argsOf('directory.card')).toEqual([{ contactId: 2 }]));
    await waitFor(() => expect(results[1]).toHaveAttribute('aria-current', 'true'));
  });

  it('opens a result on click', async () => {
    const { fake, user, input } = await setup();
    await user.type(input, '李');
    const results = await screen.findAllByTestId('search-result');
    await user.click(results[2]!);
    await waitFor(() => expect(fake.argsOf('directory.card')).toEqual([{ contactId: 3 }]));
  });

  it('clears the query and the results with Escape', async () => {
    const { user, input } = await setup();
    await user.type(input, '王');
    await screen.findAllByTestId('search-result');
    await user.keyboard('{Escape}');
    expect(input).toHaveValue('');
    expect(screen.queryAllByTestId('search-result')).toHaveLength(0);
    expect(input).toHaveAttribute('aria-expanded', 'false');
  });

  it('says so when nothing matches', async () => {
    const { fake, user, input } = await setup();
    fake.handlers['directory.search'] = () => [];
    await user.type(input, 'zzz');
    await waitFor(() => expect(screen.getByTestId('search-status')).toHaveTextContent('没有匹配的联系人'));
  });
});
