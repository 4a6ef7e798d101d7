import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CallSummary, ContactInput } from '../../../main/common/domain';
import { ZuoxiError } from '../../../main/common/errors';
import { AgentWindow } from '../../../renderer/agent/agent-window';
import { start } from '../../../renderer/app/start';
import { parseTags } from '../../../renderer/features/directory/components/new-contact-form';
import { callSummary, contactCard, deferred, freshApi, interaction, type FakeHandlers, type FakeZuoxiApi } from '../fake-api';

let unwire: (() => void) | undefined;
afterEach(() => {
  unwire?.();
  unwire = undefined;
});

/** A directory that saves whatever it is given as contact 42, as the core would. */
const saving: FakeHandlers['directory.saveContact'] = ({ contact }) => {
  const input = contact as ContactInput;
  return contactCard(42, {
    name: input.name,
    company: input.company ?? '',
    tier: input.tier ?? '',
    tags: input.tags ?? [],
    notes: input.notes ?? '',
    numbers: input.numbers.map((n) => ({ label: 'other', raw: n.raw, e164: '+8613912345678' })),
  });
};

async function renderWindow(handlers: FakeHandlers = {}): Promise<FakeZuoxiApi> {
  const fake = await freshApi({
    'app.ready': () => ({
      version: '0.1.0',
      locale: 'zh-CN',
      host: 'electron',
      status: { connection: 'online', connectionDetail: null, connectionReason: null, agentState: 'ready' },
    }),
    'directory.card': ({ contactId }) => contactCard(contactId),
    'directory.history': ({ contactId }) => ({ items: contactId === 42 ? [interaction(1, { contactId: 42, summary: '首次来电' })] : [], nextCursor: null }),
    'directory.saveContact': saving,
    ...handlers,
  });
  render(<AgentWindow />);
  unwire = await act(() => start());
  return fake;
}

const ringing = (overrides: Partial<CallSummary> = {}) =>
  callSummary('u1@pbx', { remote: { number: '13912345678', e164: '+8613912345678', displayName: '', withheld: false }, ...overrides });

async function ring(fake: FakeZuoxiApi, call: CallSummary): Promise<void> {
  await act(async () => fake.emit('calls.changed', call));
}

describe('new contact from an unknown caller', () => {
  it('is pre-filled with the number, saved through directory.saveContact with the call it came from, and the card shows', async () => {
    const fake = await renderWindow();
    await ring(fake, ringing());
    const user = userEvent.setup();
    expect(screen.getByTestId('caller-unknown')).toBeInTheDocument();
    await user.click(screen.getByTestId('new-contact-open'));
    expect(screen.getByTestId('new-contact-number')).toHaveValue('13912345678');

    await user.type(screen.getByTestId('new-contact-name'), '  陈静 ');
    await user.type(screen.getByTestId('new-contact-company'), '华东电力');
    await user.type(screen.getByTestId('new-contact-tier'), 'gold');
    await user.type(screen.getByTestId('new-contact-tags'), '报修，电表, 报修');
    await user.type(screen.getByTestId('new-contact-notes'), '询问电表读数');
    await user.click(screen.getByTestId('new-contact-save'));

    expect(fake.argsOf('directory.saveContact')).toEqual([
      {
        contactId: null,
        contact: {
          name: '陈静',
          company: '华东电力',
          numbers: [{ raw: '13912345678' }],
          tier: 'gold',
          tags: ['报修', '电表'],
          notes: '询问电表读数',
        },
        callId: 'u1@pbx',
      },
    ]);
    const card = await screen.findByTestId('caller-card');
    expect(card).toHaveAttribute('data-contact-id', '42');
    expect(screen.getByTestId('caller-card-name')).toHaveTextContent('陈静');
    expect(screen.getByTestId('caller-card-tier')).toHaveTextContent('gold');
    expect(screen.queryByTestId('caller-unknown')).toBeNull();
    await waitFor(() => expect(fake.argsOf('directory.history')).toEqual([{ contactId: 42, before: null, limit: 100 }]));
  });

  it('asks for a name and a number inline before it sends anything', async () => {
    const fake = await renderWindow();
    await ring(fake, ringing({ remote: { number: null, e164: null, displayName: '', withheld: true } }));
    const user = userEvent.setup();
    await user.click(screen.getByTestId('new-contact-open'));
    // A withheld caller: the agent types the number they are given.
    expect(screen.getByTestId('new-contact-number')).toHaveValue('');
    await user.click(screen.getByTestId('new-contact-save'));
    expect(screen.getByTestId('new-contact-error-name')).toHaveTextContent('请填写姓名');
    expect(screen.getByTestId('new-contact-error-number')).toHaveTextContent('请填写号码');
    expect(screen.getByTestId('new-contact-name')).toHaveAttribute('aria-invalid', 'true');
    expect(fake.argsOf('directory.saveContact')).toEqual([]);

    await user.type(screen.getByTestId('new-contact-name'), '来电客户');
    await user.type(screen.getByTestId('new-contact-number'), '021 5555 0000');
    expect(screen.queryByTestId('new-contact-error-name')).toBeNull();
    await user.click(screen.getByTestId('new-contact-save'));
    expect(fake.argsOf('directory.saveContact')[0]!.contact.numbers).toEqual([{ raw: '021 5555 0000' }]);
  });

  it("keeps the form and says why when the core refuses, and does not save twice while it works", async () => {
    const reply = deferred<never>();
    const fake = await renderWindow({ 'directory.saveContact': () => reply.promise });
    await ring(fake, ringing());
    const user = userEvent.setup();
    await user.click(screen.getByTestId('new-contact-open'));
    await user.type(screen.getByTestId('new-contact-name'), '某人');
    await user.click(screen.getByTestId('new-contact-save'));
    expect(screen.getByTestId('new-contact-save')).toBeDisabled();
    expect(screen.getByTestId('new-contact-save')).toHaveTextContent('正在保存');
    await act(async () => reply.reject(new ZuoxiError('invalid_input', 'No usable phone number: 13912345678x')));
    const failed = await screen.findByTestId('new-contact-failed');
    expect(failed).toHaveTextContent('联系人未保存');
    expect(failed).toHaveTextContent('No usable phone number');
    expect(screen.getByTestId('new-contact-name')).toHaveValue('某人');
    expect(screen.getByTestId('caller-unknown')).toBeInTheDocument();
    expect(fake.argsOf('directory.saveContact')).toHaveLength(1);
  });

  it('saves markup as typed, and the card shows it as text', async () => {
    const fake = await renderWindow();
    await ring(fake, ringing({ remote: { number: '13912345678', e164: '+8613912345678', displayName: '<b>来电</b>', withheld: false } }));
    const user = userEvent.setup();
    await user.click(screen.getByTestId('new-contact-open'));
    const hostile = '<img src=x onerror="window.__pwned=1">';
    await user.type(screen.getByTestId('new-contact-name'), hostile.replace(/[{[]/g, (c) => c + c));
    await user.click(screen.getByTestId('new-contact-save'));
    expect(await screen.findByTestId('caller-card-name')).toHaveTextContent(hostile);
    expect(document.querySelector('img')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('starts fresh for the next unknown caller', async () => {
    const fake = await renderWindow();
    await ring(fake, ringing());
    const user = userEvent.setup();
    await user.click(screen.getByTestId('new-contact-open'));
    await user.type(screen.getByTestId('new-contact-name'), '第一位');
    await ring(fake, { ...ringing(), state: 'ended', outcome: 'missed', endCause: 'caller_cancelled', endAt: new Date().toISOString() });
    await ring(fake, callSummary('u2@pbx', { remote: { number: '13700000000', e164: '+8613700000000', displayName: '', withheld: false } }));
    await user.click(screen.getByTestId('new-contact-open'));
    expect(screen.getByTestId('new-contact-number')).toHaveValue('13700000000');
    expect(screen.getByTestId('new-contact-name')).toHaveValue('');
  });
});

describe('parseTags', () => {
  it('splits on commas of either width, 、 and semicolons, and drops blanks and repeats', () => {
    expect(parseTags('报修，电表、 vip;投诉；报修,, ')).toEqual(['报修', '电表', 'vip', '投诉']);
    expect(parseTags('')).toEqual([]);
    expect(parseTags('x'.repeat(80))).toEqual(['x'.repeat(50)]);
  });
});
