/** The TokenStore contract, device authorizations (RFC 8628: both lookups, compare-and-set on status, revoked with the grant). */
import { describe, expect, it } from '@jest/globals';
import { hashSecret, randomId, randomSecret } from '../../crypto';
import { fakeGrantSecretHash, fakeUserId, fromNow, makeAccessToken, makeDeviceAuthorization, makeGrant } from '../fixtures';
import { later, trues, MINUTE, type ContractSuite } from './support';

export function deviceAuthorizationTests({ store }: ContractSuite): void {
  describe('device authorizations', () => {
    it('returns a saved device authorization with every field, by device code and by user code', async () => {
      const device = makeDeviceAuthorization();
      await store.saveDeviceAuthorization(device);
      const found = await store.findDeviceAuthorization({ grantId: device.grantId, hash: device.hash });
      expect(found).toEqual(device);
      expect(found?.expiresAt).toBeInstanceOf(Date);
      expect(await store.findDeviceAuthorization({ userCodeHash: device.userCodeHash })).toEqual(device);
    });

    it('returns null for an unknown device code or user code, and for a device code looked up under another grant', async () => {
      const device = makeDeviceAuthorization();
      await store.saveDeviceAuthorization(device);
      const other = makeDeviceAuthorization();
      await store.saveDeviceAuthorization(other);
      expect(await store.findDeviceAuthorization({ grantId: device.grantId, hash: fakeGrantSecretHash(device.grantId) })).toBeNull();
      expect(await store.findDeviceAuthorization({ grantId: randomId(), hash: device.hash })).toBeNull();
      expect(await store.findDeviceAuthorization({ grantId: other.grantId, hash: device.hash })).toBeNull();
      expect(await store.findDeviceAuthorization({ userCodeHash: hashSecret(randomSecret()) })).toBeNull();
      expect(await store.updateDeviceAuthorization(other.grantId, device.hash, 'pending', { status: 'approved' })).toBe(false);
      expect(await store.findDeviceAuthorization({ userCodeHash: other.userCodeHash })).toEqual(other);
    });

    it('applies changes only when the status matches, keeping the other fields', async () => {
      const device = makeDeviceAuthorization();
      await store.saveDeviceAuthorization(device);
      const key = [device.grantId, device.hash] as const;
      const polledAt = fromNow(0);
      expect(await store.updateDeviceAuthorization(...key, 'pending', { lastPolledAt: polledAt })).toBe(true);
      const laterPoll = fromNow(1000);
      expect(await store.updateDeviceAuthorization(...key, 'pending', { interval: 10, lastPolledAt: laterPoll })).toBe(true);
      expect(await store.updateDeviceAuthorization(...key, 'approved', { status: 'used' })).toBe(false);
      const polled = { ...device, interval: 10, lastPolledAt: laterPoll };
      expect(await store.findDeviceAuthorization({ grantId: device.grantId, hash: device.hash })).toEqual(polled);

      const userId = fakeUserId();
      expect(await store.updateDeviceAuthorization(...key, 'pending', { status: 'approved', userId })).toBe(true);
      expect(await store.updateDeviceAuthorization(...key, 'pending', { status: 'denied', userId: fakeUserId() })).toBe(false);
      const approved = { ...polled, status: 'approved', userId };
      expect(await store.findDeviceAuthorization({ userCodeHash: device.userCodeHash })).toEqual(approved);

      expect(await store.updateDeviceAuthorization(...key, 'approved', { status: 'used', lastPolledAt: null })).toBe(true);
      // A used device authorization is still found (replay detection), and no status change applies twice.
      expect(await store.findDeviceAuthorization({ grantId: device.grantId, hash: device.hash }))
        .toEqual({ ...approved, status: 'used', lastPolledAt: null });
      expect(await store.updateDeviceAuthorization(...key, 'approved', { status: 'used' })).toBe(false);
    });

    it('returns null, and refuses updates, once the device authorization has expired', async () => {
      const device = makeDeviceAuthorization({ expiresAt: fromNow(MINUTE) });
      await store.saveDeviceAuthorization(device);
      await later(2 * MINUTE, async () => {
        expect(await store.findDeviceAuthorization({ grantId: device.grantId, hash: device.hash })).toBeNull();
        expect(await store.findDeviceAuthorization({ userCodeHash: device.userCodeHash })).toBeNull();
        expect(await store.updateDeviceAuthorization(device.grantId, device.hash, 'pending', { status: 'approved' })).toBe(false);
      });
    });

    it('lets exactly one of 20 concurrent status changes win', async () => {
      const device = makeDeviceAuthorization();
      await store.saveDeviceAuthorization(device);
      const users = Array.from({ length: 20 }, () => fakeUserId());
      const results = await Promise.all(users.map((userId, i) => store.updateDeviceAuthorization(device.grantId, device.hash, 'pending',
        { status: i % 2 === 0 ? 'approved' : 'denied', userId })));
      expect(trues(results)).toBe(1);
      const winner = results.indexOf(true);
      expect(await store.findDeviceAuthorization({ grantId: device.grantId, hash: device.hash }))
        .toEqual({ ...device, status: winner % 2 === 0 ? 'approved' : 'denied', userId: users[winner] });

      const approved = makeDeviceAuthorization({ status: 'approved', userId: fakeUserId() });
      await store.saveDeviceAuthorization(approved);
      const uses = await Promise.all(Array.from({ length: 20 }, () => store.updateDeviceAuthorization(approved.grantId, approved.hash,
        'approved', { status: 'used' })));
      expect(trues(uses)).toBe(1);
    });

    it('is killed by revoking its grant', async () => {
      const device = makeDeviceAuthorization({ status: 'approved', userId: fakeUserId() });
      await store.saveDeviceAuthorization(device);
      expect(await store.revokeGrant(device.grantId)).toBe(true);
      expect(await store.findDeviceAuthorization({ grantId: device.grantId, hash: device.hash })).toBeNull();
      expect(await store.findDeviceAuthorization({ userCodeHash: device.userCodeHash })).toBeNull();
      expect(await store.updateDeviceAuthorization(device.grantId, device.hash, 'approved', { status: 'used' })).toBe(false);
      const grant = makeGrant({ id: device.grantId, clientId: device.clientId });
      expect(await store.saveTokens(grant, makeAccessToken(grant), null)).toBe(false);
    });

    it('is not changed by mutating a record after saving it or after reading it', async () => {
      const device = makeDeviceAuthorization({ lastPolledAt: fromNow(0) });
      const saved = structuredClone(device);
      await store.saveDeviceAuthorization(device);
      device.scopes.push('delete');
      device.expiresAt.setTime(0);
      device.lastPolledAt!.setTime(0);
      device.status = 'approved';
      const read = await store.findDeviceAuthorization({ userCodeHash: saved.userCodeHash });
      read?.scopes.push('vote');
      read?.lastPolledAt?.setTime(0);
      expect(await store.findDeviceAuthorization({ grantId: saved.grantId, hash: saved.hash })).toEqual(saved);
    });
  });
}
