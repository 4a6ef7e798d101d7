import { create } from 'zustand';
import type { AppInfo, ConnectionReason, WorkstationStatus } from '../../../main/common/domain';
import type { Failure, LinkState } from '../../api';

export interface StatusData extends Omit<WorkstationStatus, 'connectionReason'> {
  /** Why the line is (not) online, for a translated label; null when unknown or online. */
  connectionReason: ConnectionReason | null;
  /** The window's own link to the core; null until the transport has said anything. */
  link: LinkState | null;
  version: string | null;
  host: AppInfo['host'] | null;
  /** Why app.ready failed at start-up; cleared once the core is heard from. */
  startError: Failure | null;
}

export interface StatusState extends StatusData {
  applyAppInfo(info: AppInfo): void;
  applyStatus(status: WorkstationStatus): void;
  setLink(link: LinkState): void;
  setStartError(failure: Failure): void;
}

export const initialStatus: StatusData = {
  connection: 'offline',
  connectionDetail: null,
  connectionReason: null,
  agentState: 'logged_out',
  link: null,
  version: null,
  host: null,
  startError: null,
};

export const useStatusStore = create<StatusState>()((set) => ({
  ...initialStatus,
  applyAppInfo: (info) => set({ ...fromStatus(info.status), version: info.version, host: info.host, startError: null }),
  applyStatus: (status) => set({ ...fromStatus(status), startError: null }),
  setLink: (link) => set({ link }),
  setStartError: (startError) => set({ startError }),
}));

// connectionReason is optional in the contract (older cores leave it out): a status
// without one must not leave the previous reason standing.
function fromStatus(status: WorkstationStatus): Omit<WorkstationStatus, 'connectionReason'> & { connectionReason: ConnectionReason | null } {
  return { ...status, connectionReason: status.connectionReason ?? null };
}
