import { edits } from './edits';
import { lookup } from './lookup';
import { permissions } from './permissions';
import { registration } from './registration';
import { secretRotation } from './secret-rotation';
import { suspension } from './suspension';
import type { ClientService, ClientServiceDeps, Emit } from './types';

export type { ApprovalOptions, ClientPermissions, ClientRequest, ClientService, ClientServiceDeps, ClientUpdate } from './types';
export type { ClientView } from './view';

/** The apps tab (developers request apps) and the admin queue (approve, deny, suspend, review edits). */
export function createClientService(deps: ClientServiceDeps): ClientService {
  const emit: Emit = (event, payload) => deps.emit?.(event, payload);
  return {
    ...registration(deps, emit),
    ...suspension(deps, emit),
    ...edits(deps, emit),
    ...permissions(deps, emit),
    ...secretRotation(deps, emit),
    ...lookup(deps),
  };
}
