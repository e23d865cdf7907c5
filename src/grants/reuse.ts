import type { ProviderContext } from '../provider-context';

export type ReuseEvent = 'code.reused' | 'refresh.reused' | 'device_code.reused';

/**
 * A code or token came back after it was used. We cannot tell thief from client, so what it
 * issued dies (its whole grant), and the site hears of it.
 */
export async function revokeReusedGrant(options: ProviderContext, event: ReuseEvent, grantId: string, clientId: string): Promise<void> {
  await options.store.tokens.revokeGrant(grantId);
  options.emit(event, { grantId, clientId });
}
