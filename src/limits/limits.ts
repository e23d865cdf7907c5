import type { Request } from 'express';
import type { ResolvedOptions } from '../options';
import type { ClientRecord } from '../storage/records';
import { clientIp } from './client-ip';
import { Counter } from './counter';

/**
 * What every limit counts, keyed on what is being guessed (RFC 6749 §2.3.1, RFC 6819 §4.4.1.3).
 * Behind a proxy every client of a site may share one address, so nothing here is keyed on the
 * IP alone except requests that name no client at all, and those only slow each other.
 *
 * | event                                        | key                            | budget             |
 * |----------------------------------------------|--------------------------------|--------------------|
 * | a token/revoke/introspect/device request that cannot be read or names no client | IP (unnamed requests only) | `failures` |
 * | failed client authentication                 | IP + client                    | `failures`         |
 * | an authenticated client's protocol error     | client (a public one: IP + client) | `failures`     |
 * | a PIN tried at the token endpoint            | IP + client, before it is read | `failures`         |
 * | a user code typed at /device, a consent form | user, before it is read        | `failures`         |
 * | a consent or device page shown (stores one)  | user                           | 3 × `failures`     |
 * | a device authorization stored                | IP + client                    | 3 × `failures`     |
 * | a pushed authorization request stored (PAR)  | IP + client                    | 3 × `failures`     |
 * | consent and device-page transactions / device authorizations / pushed requests stored, site-wide | one key each | `maxPending` per lifetime |
 *
 * Successful requests cost nothing, except the pages and device authorizations, which each store
 * a record. A client's id is public, so no key is the client alone unless the request proved it
 * is that client: otherwise anyone could lock a real client out by failing in its name.
 */
export interface Limits {
  /** A request that could not be read, or named no client. */
  unnamedRequest(req: Request): Promise<void>;
  /** Before a presented client secret is checked: refuses while this IP + client is over budget. */
  beforeClientAuthentication(req: Request, clientId: string): Promise<void>;
  clientAuthenticationFailed(req: Request, clientId: string): Promise<void>;
  /** An authenticated client's own error (a used code, a wrong scope): it counts against nobody else. */
  clientError(req: Request, client: ClientRecord): Promise<void>;
  /** Spends a PIN guess before the PIN is read; call the returned function when it was right. */
  pinGuess(req: Request, client: ClientRecord): Promise<() => Promise<void>>;
  /** Spends a user-code or consent-form attempt of this user; the returned function refunds it. */
  formAttempt(userId: string): Promise<() => Promise<void>>;
  /** A consent or device page that stores a transaction for this user. */
  pageShown(userId: string): Promise<void>;
  /** A device authorization about to be stored for this client. */
  deviceAuthorization(req: Request, client: ClientRecord): Promise<void>;
  /** A pushed authorization request about to be stored for this client. */
  pushedRequest(req: Request, client: ClientRecord): Promise<void>;
}

/** Opening pages is normal use, so it gets more room than failures do. */
const PAGES_PER_FAILURE = 3;

export function createLimits(options: ResolvedOptions): Limits {
  const settings = options.rateLimit;
  if (!settings) return unlimited;
  const counter = (name: string, points: number, windowSeconds = settings.windowSeconds) =>
    new Counter({ name, points, windowSeconds, keyPrefix: settings.keyPrefix, redis: settings.redis });
  const unnamed = counter('unnamed', settings.failures);
  const clientAuth = counter('client-auth', settings.failures);
  const clientErrors = counter('client-errors', settings.failures);
  const pins = counter('pin', settings.failures);
  const forms = counter('form', settings.failures);
  const pages = counter('page', settings.failures * PAGES_PER_FAILURE);
  const devices = counter('device', settings.failures * PAGES_PER_FAILURE);
  // Every stored record lives at most its lifetime, so a budget per lifetime caps what is alive
  // (at most twice the budget across a window's edge).
  const pendingTransactions = counter('pending-consent', settings.maxPending, options.lifetimes.consent);
  const pendingDevices = counter('pending-device', settings.maxPending, options.lifetimes.deviceCode);
  const pushes = counter('par', settings.failures * PAGES_PER_FAILURE);
  const pendingPushes = counter('pending-par', settings.maxPending, options.par.lifetime);

  // An IP has no spaces, so `ip client` cannot be forged from another pair.
  const ipClient = (req: Request, clientId: string) => `${clientIp(req)} ${clientId.slice(0, 200)}`;
  const refund = (c: Counter, keys: string[]) => () => c.giveBack(keys);

  return {
    unnamedRequest: (req) => unnamed.take([clientIp(req)]),
    beforeClientAuthentication: (req, clientId) => clientAuth.assertOpen([ipClient(req, clientId)]),
    clientAuthenticationFailed: (req, clientId) => clientAuth.take([ipClient(req, clientId)]),
    // A public client proves nothing by naming itself, so its errors stay with the address that made them.
    clientError: (req, client) => clientErrors.take([client.isPublic ? ipClient(req, client.id) : client.id]),
    async pinGuess(req, client) {
      const keys = [ipClient(req, client.id)];
      await pins.take(keys);
      return refund(pins, keys);
    },
    async formAttempt(userId) {
      const keys = [userId];
      await forms.take(keys);
      return refund(forms, keys);
    },
    async pageShown(userId) {
      await pages.take([userId]);
      await pendingTransactions.take(['all']);
    },
    async deviceAuthorization(req, client) {
      await devices.take([ipClient(req, client.id)]);
      await pendingDevices.take(['all']);
    },
    async pushedRequest(req, client) {
      await pushes.take([ipClient(req, client.id)]);
      await pendingPushes.take(['all']);
    },
  };
}

const nothingToRefund = async () => {};
const unlimited: Limits = {
  unnamedRequest: async () => {},
  beforeClientAuthentication: async () => {},
  clientAuthenticationFailed: async () => {},
  clientError: async () => {},
  pinGuess: async () => nothingToRefund,
  formAttempt: async () => nothingToRefund,
  pageShown: async () => {},
  deviceAuthorization: async () => {},
  pushedRequest: async () => {},
};
