import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CallerCard } from '../../../renderer/features/directory/components/caller-card';
import { useDirectoryStore } from '../../../renderer/features/directory/store';
import { contactCard, freshApi, interaction } from '../fake-api';

const MARKUP = '<img src=x onerror=alert(1)>';

async function openCard(card: ReturnType<typeof contactCard>) {
  const fake = await freshApi({
    'directory.card': () => card,
    'directory.history': () => ({ items: [], nextCursor: null }),
    'directory.addInteraction': (input) => interaction(500, { contactId: input.contactId, kind: input.kind, summary: input.summary ?? '' }),
  });
  const view = render(<CallerCard />);
  await act(() => useDirectoryStore.getState().openContact(card.contact.id));
  return { fake, view };
}

describe('the caller card', () => {
  it('shows caller-supplied markup as literal text and creates no element from it', async () => {
    const card = contactCard(
      7,
      { name: MARKUP, company: `<b>${MARKUP}</b>`, tier: MARKUP, tags: [MARKUP], notes: `<script>alert(2)</script>` },
      {
        recent: [interaction(1, { summary: MARKUP, outcome: '<a href="javascript:alert(3)">x</a>' })],
        openItems: [interaction(2, { kind: 'ticket', status: 'open', summary: MARKUP })],
        interactionCount: 2,
      },
    );
    const { view } = await openCard(card);

    expect(screen.getByTestId('caller-card-name').textContent).toBe(MARKUP);
    expect(screen.getByTestId('caller-card-company').textContent).toBe(`<b>${MARKUP}</b>`);
    expect(screen.getByTestId('caller-card-notes').textContent).toBe('<script>alert(2)</script>');
    expect(within(screen.getByTestId('caller-card-recent')).getByText(MARKUP)).toBeInTheDocument();
    expect(view.container.querySelector('img, b, script, a')).toBeNull();
  });

  it('shows who is calling: name, company, tier, numbers, tags, open items and recent contact', async () => {
    const card = contactCard(
      3,
      {
        name: '王芳',
        company: '华东电力公司',
        tier: 'VIP',
        tags: ['投诉', '大客户'],
        numbers: [
          { label: 'mobile', raw: '13800138000', e164: '+8613800138000' },
          { label: '总机', raw: '021-5555', e164: '+86215555' },
        ],
      },
      {
        recent: [interaction(10, { kind: 'call_in', summary: '咨询电费' })],
        openItems: [interaction(11, { kind: 'ticket', status: 'open', summary: '停电报修' })],
        interactionCount: 12,
      },
    );
    await openCard(card);

    const cardRegion = screen.getByTestId('caller-card');
    expect(screen.getByTestId('caller-card-name')).toHaveTextContent('王芳');
    expect(screen.getByTestId('caller-card-company')).toHaveTextContent('华东电力公司');
    expect(screen.getByTestId('caller-card-tier')).toHaveTextContent('VIP');
    const numbers = screen.getByTestId('caller-card-numbers');
    expect(numbers).toHaveTextContent('手机');
    expect(numbers).toHaveTextContent('+8613800138000');
    expect(numbers).toHaveTextContent('总机'); // the center's own label, shown as typed
    expect(screen.getByTestId('caller-card-tags')).toHaveTextContent('投诉');
    const openItems = screen.getByTestId('caller-card-open-items');
    expect(openItems).toHaveTextContent('停电报修');
    expect(openItems).toHaveTextContent('未结');
    expect(screen.getByTestId('caller-card-recent')).toHaveTextContent('咨询电费');
    expect(cardRegion).toHaveTextContent('共 12 条记录');
  });

  it('adds a note from the form and clears it once saved', async () => {
    const { fake } = await openCard(contactCard(4));
    const user = userEvent.setup();
    const input = screen.getByTestId('note-input');
    expect(screen.getByTestId('note-submit')).toBeDisabled();

    await user.type(input, '客户要求周五回电');
    await user.click(screen.getByTestId('note-submit'));

    expect(fake.argsOf('directory.addInteraction')).toEqual([{ contactId: 4, kind: 'note', summary: '客户要求周五回电' }]);
    expect(input).toHaveValue('');
    expect(await screen.findByText('备注已保存')).toBeInTheDocument();
  });

  it('invites a search when no caller is open', async () => {
    await freshApi();
    render(<CallerCard />);
    expect(screen.getByTestId('caller-card-empty')).toHaveTextContent('搜索联系人或接听来电后');
  });
});
