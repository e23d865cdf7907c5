/**
 * What the Knex adapter must do beyond the shared store contracts, run against each database
 * by knex-sqlite / knex-postgres / knex-mysql.test.ts. Each describe block works in tables of its
 * own prefix, so row counts are exact even though the contract suites share the default tables.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { Knex } from 'knex';
import { knexClientStore, knexTokenStore, migrate, purgeExpired, rollback } from '../../adapters/knex';
import { migrationSource } from '../../adapters/knex/migrations';
import { clientToRow } from '../../adapters/knex/client-rows';
import { accessToRow, codeToRow, grantToRow, refreshToRow } from '../../adapters/knex/grant-rows';
import { requestToRow } from '../../adapters/knex/transaction-rows';
import { tableNames } from '../../adapters/knex/schema';
import { later } from '../../src/testing/token-store-contract/support';
import { runKnexKeyStoreSuite } from './knex-key-suite';
import { hashSecret, mintGrantSecret, randomId, randomSecret } from '../../src/crypto';
import {
  fromNow, makeAccessToken, makeAuthorizationRequest, makeClient, makeClientGrant, makeCode, makeDeviceTransaction, makeGrant,
  makeOpenId, makePushedRequest, makeRefreshToken, runClientStoreContract, runTokenStoreContract,
} from '../../src/testing';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;


async function rowCount(db: Knex, table: string): Promise<number> {
  const [row] = await db(table).count({ n: '*' });
  return Number(row?.n);
}

async function allTables(db: Knex, prefix: string): Promise<Record<string, unknown[]>> {
  const { migrations: _migrations, ...tables } = tableNames({ tablePrefix: prefix });
  const dump: Record<string, unknown[]> = {};
  for (const table of Object.values(tables)) dump[table] = await db(table).select('*');
  return dump;
}

/** The store contracts plus the adapter's own guarantees; `db()` is a migrated connection. */
export function runKnexAdapterSuite(label: string, db: () => Knex): void {
  runTokenStoreContract(label, () => knexTokenStore(db()));
  runClientStoreContract(label, () => knexClientStore(db()));
  runKnexKeyStoreSuite(label, db);

  describe(`${label} migrations`, () => {
    it('does nothing when migrate runs again', async () => {
      const tokens = knexTokenStore(db());
      const grant = makeGrant();
      expect(await tokens.saveTokens(grant, makeAccessToken(grant), null)).toBe(true);
      const before = await rowCount(db(), tableNames().grants);
      await migrate(db());
      await migrate(db());
      expect(await rowCount(db(), tableNames().grants)).toBe(before);
      expect(await tokens.getGrant(grant.id)).toEqual(grant);
      // The migrations so far (001 initial, 002 device authorizations, 003 client review, 004 client credentials,
      // 005 device transactions, 006 signing keys, 007 openid, 008 client registration, 009 resources, 010 dpop,
      // 011 pushed requests), each recorded once however often migrate runs.
      expect(await rowCount(db(), tableNames().migrations)).toBe(11);
    });

    it('003 gives clients stored before it neither switch and no pending change', async () => {
      const prefix = `old${randomId().slice(0, 6).replace(/[^A-Za-z0-9]/g, 'x')}_`;
      const names = tableNames({ tablePrefix: prefix });
      const config = { migrationSource: migrationSource(names), tableName: names.migrations };
      await db().migrate.up(config);
      await db().migrate.up(config);
      const client = makeClient();
      const {
        resource_server: _rs, allow_implicit: _ai, pending_change: _pc, allow_client_credentials: _cc,
        post_logout_redirect_uris: _plr, id_token_signing_alg: _alg, origin: _o, registration: _r, require_pushed_requests: _rp, ...oldRow
      } = clientToRow(client);
      await db()(names.clients).insert(oldRow);
      await migrate(db(), { tablePrefix: prefix });
      expect(await knexClientStore(db(), { tablePrefix: prefix }).get(client.id)).toEqual(client);
      await rollback(db(), { tablePrefix: prefix });
      expect(await db().schema.hasTable(names.clients)).toBe(false);
    });

    it('004 lets grants and access tokens have no user; undone, it drops those and keeps the rest', async () => {
      const prefix = `cc${randomId().slice(0, 6).replace(/[^A-Za-z0-9]/g, 'x')}_`;
      const names = tableNames({ tablePrefix: prefix });
      const config = { migrationSource: migrationSource(names), tableName: names.migrations };
      for (let i = 0; i < 3; i += 1) await db().migrate.up(config);
      const client = makeClient();
      const {
        allow_client_credentials: _cc, post_logout_redirect_uris: _plr, id_token_signing_alg: _alg, origin: _o, registration: _r,
        require_pushed_requests: _rp, ...oldRow
      } = clientToRow(client);
      await db()(names.clients).insert(oldRow);
      // 004 alone, so that the down below undoes it and no later migration.
      await db().migrate.up(config);
      expect(await knexClientStore(db(), { tablePrefix: prefix }).get(client.id)).toEqual(client);

      const tokens = knexTokenStore(db(), { tablePrefix: prefix });
      const userGrant = makeGrant({ clientId: client.id });
      const userAccess = makeAccessToken(userGrant);
      const clientGrant = makeClientGrant({ clientId: client.id });
      const clientAccess = makeAccessToken(clientGrant);
      // Written as rows of 004's schema: saveTokens would also write 007's openid and 009's resources columns.
      for (const [grant, access] of [[userGrant, userAccess], [clientGrant, clientAccess]] as const) {
        const { openid: _openid, resources: _gr, ...grantRow } = grantToRow(grant);
        await db()(names.grants).insert(grantRow);
        const { resources: _ar, jkt: _aj, ...accessRow } = accessToRow(access);
        await db()(names.accessTokens).insert(accessRow);
      }
      expect(await tokens.getAccessToken(clientGrant.id, clientAccess.hash)).toEqual(clientAccess);

      await db().migrate.down(config);
      expect(await rowCount(db(), names.grants)).toBe(1);
      expect(await rowCount(db(), names.accessTokens)).toBe(1);
      // SQLite rebuilds the table for this (knex copies it under a temporary name); in some full-suite
      // runs the rebuilt table kept the column nullable, which no isolated run reproduced. The rows
      // that need it are gone either way; the restored constraint is checked where the database alters in place.
      if (db().client.config.client !== 'better-sqlite3') {
        await expect(db()(names.grants).insert({ ...grantToRow(makeClientGrant()) })).rejects.toThrow();
      }
      await rollback(db(), { tablePrefix: prefix });
      expect(await db().schema.hasTable(names.grants)).toBe(false);
    });

    it('005 adds the device-page transactions table; undone, it drops that table only', async () => {
      const prefix = `dt${randomId().slice(0, 6).replace(/[^A-Za-z0-9]/g, 'x')}_`;
      const names = tableNames({ tablePrefix: prefix });
      const config = { migrationSource: migrationSource(names), tableName: names.migrations };
      for (let i = 0; i < 4; i += 1) await db().migrate.up(config);
      expect(await db().schema.hasTable(names.deviceTransactions)).toBe(false);
      // 005 alone, so that the down below undoes it and no later migration.
      await db().migrate.up(config);
      const tokens = knexTokenStore(db(), { tablePrefix: prefix });
      const transaction = makeDeviceTransaction();
      await tokens.saveDeviceTransaction(transaction);
      expect(await tokens.findDeviceTransaction(transaction.id)).toEqual(transaction);

      await db().migrate.down(config);
      expect(await db().schema.hasTable(names.deviceTransactions)).toBe(false);
      expect(await db().schema.hasTable(names.authorizationRequests)).toBe(true);
      await rollback(db(), { tablePrefix: prefix });
      expect(await db().schema.hasTable(names.clients)).toBe(false);
    });

    it('007 reads rows stored before it as no sign-in, no post-logout URIs and RS256; undone, it drops only its columns', async () => {
      const prefix = `oi${randomId().slice(0, 6).replace(/[^A-Za-z0-9]/g, 'x')}_`;
      const names = tableNames({ tablePrefix: prefix });
      const config = { migrationSource: migrationSource(names), tableName: names.migrations };
      for (let i = 0; i < 6; i += 1) await db().migrate.up(config);
      // Rows as 006's schema held them: the mappers' output without 007's columns.
      const client = makeClient({ pendingChange: { redirectUris: ['https://next.example/cb'], requestedAt: fromNow(-MINUTE) } });
      const {
        post_logout_redirect_uris: _plr, id_token_signing_alg: _alg, origin: _o, registration: _r, require_pushed_requests: _rp, ...clientRow
      } = clientToRow(client);
      await db()(names.clients).insert(clientRow);
      const request = makeAuthorizationRequest();
      const { openid: _ro, resources: _rr, dpop_jkt: _rj, ...requestRow } = requestToRow(request);
      await db()(names.authorizationRequests).insert(requestRow);
      const grant = makeGrant();
      const { openid: _go, resources: _gr, ...grantRow } = grantToRow(grant);
      await db()(names.grants).insert(grantRow);
      const code = makeCode(grant);
      const { openid: _co, resources: _cr, dpop_jkt: _cj, ...codeRow } = codeToRow(code);
      await db()(names.codes).insert(codeRow);

      // 007 alone, so that the down below undoes it and no later migration.
      await db().migrate.up(config);
      const clients = knexClientStore(db(), { tablePrefix: prefix });
      const tokens = knexTokenStore(db(), { tablePrefix: prefix });
      expect(await clients.get(client.id)).toEqual(client);
      expect(await tokens.getAuthorizationRequest(request.id)).toEqual(request);
      expect(await tokens.findCode(grant.id, code.hash)).toEqual({ record: code, used: false });
      expect(await tokens.getGrant(grant.id)).toEqual(grant);
      expect(await tokens.listGrants({ userId: grant.userId! })).toEqual([grant]);
      // The writes below need the later migrations' columns too (009's resources); 007 is undone by name.
      await db().migrate.latest(config);
      // An old grant takes new tokens without gaining a sign-in it never had.
      expect(await tokens.saveTokens({ ...grant, openid: makeOpenId({ nonce: null }) }, makeAccessToken(grant), null)).toBe(true);
      expect(await tokens.getGrant(grant.id)).toEqual(grant);
      // And the new columns take new values (written as columns: update() would also write 008's).
      const { post_logout_redirect_uris: newUris } = clientToRow({ ...client, postLogoutRedirectUris: ['https://app.example/bye'] });
      await db()(names.clients).where('id', client.id).update({ post_logout_redirect_uris: newUris, id_token_signing_alg: 'ES256' });
      expect(await clients.get(client.id)).toMatchObject({ postLogoutRedirectUris: ['https://app.example/bye'], idTokenSigningAlg: 'ES256' });
      const signedIn = makeGrant({ openid: makeOpenId({ nonce: null }) });
      expect(await tokens.saveGrant(signedIn)).toBe(true);
      expect(await tokens.getGrant(signedIn.id)).toEqual(signedIn);

      await db().migrate.down({ ...config, name: '007_openid' });
      for (const [table, column] of [[names.clients, 'post_logout_redirect_uris'], [names.clients, 'id_token_signing_alg'],
        [names.authorizationRequests, 'openid'], [names.codes, 'openid'], [names.grants, 'openid']] as const) {
        expect([table, column, await db().schema.hasColumn(table, column)]).toEqual([table, column, false]);
      }
      expect(await rowCount(db(), names.grants)).toBe(2);
      expect(await rowCount(db(), names.clients)).toBe(1);
      await rollback(db(), { tablePrefix: prefix });
      expect(await db().schema.hasTable(names.clients)).toBe(false);
    });

    it('009 reads rows stored before it as bound to no resource; undone, it drops only its columns', async () => {
      const prefix = `rs${randomId().slice(0, 6).replace(/[^A-Za-z0-9]/g, 'x')}_`;
      const names = tableNames({ tablePrefix: prefix });
      const config = { migrationSource: migrationSource(names), tableName: names.migrations };
      for (let i = 0; i < 7; i += 1) await db().migrate.up(config);
      // Rows as 007's schema held them: the mappers' output without 009's columns.
      const request = makeAuthorizationRequest();
      const { resources: _rr, dpop_jkt: _rj, ...requestRow } = requestToRow(request);
      await db()(names.authorizationRequests).insert(requestRow);
      const grant = makeGrant();
      const { resources: _gr, ...grantRow } = grantToRow(grant);
      await db()(names.grants).insert(grantRow);
      const code = makeCode(grant);
      const { resources: _cr, dpop_jkt: _cj, ...codeRow } = codeToRow(code);
      await db()(names.codes).insert(codeRow);
      const access = makeAccessToken(grant);
      const { resources: _ar, jkt: _aj, ...accessRow } = accessToRow(access);
      await db()(names.accessTokens).insert(accessRow);
      const refresh = makeRefreshToken(grant);
      const { resources: _fr, jkt: _fj, ...refreshRow } = refreshToRow(refresh);
      await db()(names.refreshTokens).insert(refreshRow);

      await db().migrate.latest(config);
      const tokens = knexTokenStore(db(), { tablePrefix: prefix });
      expect(await tokens.getAuthorizationRequest(request.id)).toEqual(request);
      expect(await tokens.findCode(grant.id, code.hash)).toEqual({ record: code, used: false });
      expect(await tokens.getGrant(grant.id)).toEqual(grant);
      expect(await tokens.getAccessToken(grant.id, access.hash)).toEqual(access);
      expect(await tokens.findRefreshToken(grant.id, refresh.hash)).toEqual({ record: refresh, used: false });
      // An old grant keeps no resources when new tokens come, and the new columns take new values.
      const bound = makeAccessToken(grant, { resources: ['https://forum.example/api'] });
      expect(await tokens.saveTokens({ ...grant, resources: ['https://forum.example/api'] }, bound, null)).toBe(true);
      expect(await tokens.getGrant(grant.id)).toEqual(grant);
      expect(await tokens.getAccessToken(grant.id, bound.hash)).toEqual(bound);

      await db().migrate.down({ ...config, name: '009_resources' });
      for (const table of [names.authorizationRequests, names.codes, names.grants, names.accessTokens, names.refreshTokens]) {
        expect([table, await db().schema.hasColumn(table, 'resources')]).toEqual([table, false]);
      }
      expect(await rowCount(db(), names.accessTokens)).toBe(2);
      await rollback(db(), { tablePrefix: prefix });
      expect(await db().schema.hasTable(names.grants)).toBe(false);
    });

    it('008 gives clients stored before it their origin by owner and no registration; undone, it drops only its columns', async () => {
      const prefix = `cr${randomId().slice(0, 6).replace(/[^A-Za-z0-9]/g, 'x')}_`;
      const names = tableNames({ tablePrefix: prefix });
      const config = { migrationSource: migrationSource(names), tableName: names.migrations };
      for (let i = 0; i < 7; i += 1) await db().migrate.up(config);
      const owned = makeClient({ origin: 'apps-tab' });
      const ownerless = makeClient({ ownerId: null, origin: 'site' });
      for (const client of [owned, ownerless]) {
        const { origin: _o, registration: _r, require_pushed_requests: _rp, ...row } = clientToRow(client);
        await db()(names.clients).insert(row);
      }
      // 008 alone, so that the down below undoes it and no later migration.
      await db().migrate.up(config);
      expect(await db()(names.clients).select('id', 'origin').orderBy('id'))
        .toEqual([{ id: owned.id, origin: 'apps-tab' }, { id: ownerless.id, origin: 'site' }].sort((a, b) => (a.id < b.id ? -1 : 1)));
      const clients = knexClientStore(db(), { tablePrefix: prefix });
      expect(await clients.get(owned.id)).toEqual(owned);
      expect(await clients.get(ownerless.id)).toEqual(ownerless);

      await db().migrate.down(config);
      for (const column of ['origin', 'registration']) expect(await db().schema.hasColumn(names.clients, column)).toBe(false);
      expect(await rowCount(db(), names.clients)).toBe(2);
      await rollback(db(), { tablePrefix: prefix });
      expect(await db().schema.hasTable(names.clients)).toBe(false);
    });

    it('011 reads clients stored before it as not requiring PAR and adds the pushed requests table; undone, it drops only those', async () => {
      const prefix = `pr${randomId().slice(0, 6).replace(/[^A-Za-z0-9]/g, 'x')}_`;
      const names = tableNames({ tablePrefix: prefix });
      const config = { migrationSource: migrationSource(names), tableName: names.migrations };
      const before = (await migrationSource(names).getMigrations([])).findIndex((m) => m.name === '011_pushed_requests');
      for (let i = 0; i < before; i += 1) await db().migrate.up(config);
      expect(await db().schema.hasTable(names.pushedRequests)).toBe(false);
      const client = makeClient();
      const { require_pushed_requests: _rp, ...row } = clientToRow(client);
      await db()(names.clients).insert(row);
      // 011 alone, so that the down below undoes it and no later migration.
      await db().migrate.up(config);
      const clients = knexClientStore(db(), { tablePrefix: prefix });
      expect(await clients.get(client.id)).toEqual(client);
      expect(await clients.update(client.id, { requirePushedRequests: true })).toMatchObject({ requirePushedRequests: true });
      const tokens = knexTokenStore(db(), { tablePrefix: prefix });
      const pushed = makePushedRequest();
      await tokens.savePushedRequest(pushed);
      expect(await tokens.findPushedRequest(pushed.hash)).toEqual(pushed);

      await db().migrate.down(config);
      expect(await db().schema.hasTable(names.pushedRequests)).toBe(false);
      expect(await db().schema.hasColumn(names.clients, 'require_pushed_requests')).toBe(false);
      expect(await rowCount(db(), names.clients)).toBe(1);
      await rollback(db(), { tablePrefix: prefix });
      expect(await db().schema.hasTable(names.clients)).toBe(false);
    });

    it('keeps a second prefix in tables of its own, and rollback drops only those', async () => {
      const prefix = `alt${randomId().slice(0, 6).replace(/[^A-Za-z0-9]/g, 'x')}_`;
      await migrate(db(), { tablePrefix: prefix });
      const mine = knexClientStore(db(), { tablePrefix: prefix });
      const client = makeClient();
      await mine.create(client);
      expect(await mine.get(client.id)).toEqual(client);
      expect(await knexClientStore(db()).get(client.id)).toBeNull();
      await rollback(db(), { tablePrefix: prefix });
      expect(await db().schema.hasTable(tableNames({ tablePrefix: prefix }).clients)).toBe(false);
      expect(await db().schema.hasTable(tableNames().clients)).toBe(true);
    });

    it('refuses a table prefix that is not a plain identifier', () => {
      expect(() => knexTokenStore(db(), { tablePrefix: 'x"; drop table y; --' })).toThrow(TypeError);
    });
  });

  describe(`${label} keys`, () => {
    it('compares ids and hashes byte for byte: other case or a trailing space finds nothing', async () => {
      const clients = knexClientStore(db());
      const client = makeClient({ id: `Case-${randomId()}` });
      await clients.create(client);
      expect(await clients.get(client.id.toUpperCase())).toBeNull();
      expect(await clients.get(client.id.toLowerCase())).toBeNull();
      expect(await clients.get(`${client.id} `)).toBeNull();
      expect(await clients.update(`${client.id} `, { name: 'x' })).toBeNull();

      const tokens = knexTokenStore(db());
      const grant = makeGrant();
      const access = makeAccessToken(grant);
      expect(await tokens.saveTokens(grant, access, null)).toBe(true);
      expect(await tokens.getAccessToken(grant.id, access.hash.toUpperCase())).toBeNull();
      expect(await tokens.getAccessToken(grant.id.toLowerCase(), access.hash)).toBeNull();
      expect(await tokens.getAccessToken(grant.id, `${access.hash} `)).toBeNull();
    });

    it('answers not found, without a query error, for grant ids and hashes of any shape', async () => {
      const tokens = knexTokenStore(db());
      for (const odd of ['', '\u0000', "'; --", 'x'.repeat(10_000), '😀', `${randomId()} `]) {
        await expect(tokens.getGrant(odd)).resolves.toBeNull();
        await expect(tokens.getAccessToken(odd, odd)).resolves.toBeNull();
        await expect(tokens.findCode(odd, odd)).resolves.toBeNull();
        await expect(tokens.consumeRefreshToken(odd, odd)).resolves.toBe(false);
        await expect(tokens.deleteAuthorizationRequest(odd)).resolves.toBe(false);
        await expect(tokens.listGrants({ userId: odd })).resolves.toEqual([]);
        await expect(tokens.findDeviceAuthorization({ grantId: odd, hash: odd })).resolves.toBeNull();
        await expect(tokens.findDeviceAuthorization({ userCodeHash: odd })).resolves.toBeNull();
        await expect(tokens.updateDeviceAuthorization(odd, odd, 'pending', { status: 'approved' })).resolves.toBe(false);
        await expect(tokens.findDeviceTransaction(odd)).resolves.toBeNull();
        await expect(tokens.consumeDeviceTransaction(odd)).resolves.toBeNull();
        await expect(tokens.findPushedRequest(odd)).resolves.toBeNull();
        await expect(tokens.consumePushedRequest(odd)).resolves.toBeNull();
      }
    });
  });

  describe(`${label} purgeExpired`, () => {
    const prefix = `purge${randomId().slice(0, 6).replace(/[^A-Za-z0-9]/g, 'x')}_`;
    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('removes expired codes, tokens, transactions and grants, keeps live rows and recent revocations', async () => {
      await migrate(db(), { tablePrefix: prefix });
      const tokens = knexTokenStore(db(), { tablePrefix: prefix });
      const t = tableNames({ tablePrefix: prefix });

      // Short-lived: everything of this grant expires within the hour.
      const short = makeGrant({ expiresAt: fromNow(HOUR) });
      await tokens.saveCode(makeCode(short, { expiresAt: fromNow(MINUTE) }));
      await tokens.saveAuthorizationRequest(makeAuthorizationRequest({ expiresAt: fromNow(MINUTE) }));
      await tokens.saveDeviceTransaction(makeDeviceTransaction({ expiresAt: fromNow(MINUTE) }));
      await tokens.savePushedRequest(makePushedRequest({ expiresAt: fromNow(MINUTE) }));
      expect(await tokens.saveTokens(short, makeAccessToken(short, { expiresAt: fromNow(HOUR) }),
        makeRefreshToken(short, { expiresAt: fromNow(HOUR) }))).toBe(true);
      // Long-lived: survives the purge.
      const long = makeGrant();
      const longAccess = makeAccessToken(long, { expiresAt: fromNow(3 * HOUR) });
      const longRefresh = makeRefreshToken(long);
      expect(await tokens.saveTokens(long, longAccess, longRefresh)).toBe(true);
      const liveRequest = makeAuthorizationRequest({ expiresAt: fromNow(3 * HOUR) });
      await tokens.saveAuthorizationRequest(liveRequest);
      const liveTransaction = makeDeviceTransaction({ expiresAt: fromNow(3 * HOUR) });
      await tokens.saveDeviceTransaction(liveTransaction);
      const livePushed = makePushedRequest({ expiresAt: fromNow(3 * HOUR) });
      await tokens.savePushedRequest(livePushed);
      // Revoked at +2h: its grant had expired by then, yet the marker must stay ten minutes.
      const revoked = makeGrant({ expiresAt: fromNow(HOUR) });

      expect(await purgeExpired(db(), { tablePrefix: prefix })).toBe(0);
      expect(await later(2 * HOUR, () => tokens.revokeGrant(revoked.id))).toBe(false);

      // code, request, device transaction, pushed request, access, refresh, grant of `short`.
      expect(await later(2 * HOUR, () => purgeExpired(db(), { tablePrefix: prefix }))).toBe(7);
      expect(await rowCount(db(), t.pushedRequests)).toBe(1);
      expect(await tokens.findPushedRequest(livePushed.hash)).toEqual(livePushed);
      expect(await rowCount(db(), t.codes)).toBe(0);
      expect(await rowCount(db(), t.authorizationRequests)).toBe(1);
      expect(await rowCount(db(), t.deviceTransactions)).toBe(1);
      expect(await rowCount(db(), t.accessTokens)).toBe(1);
      expect(await rowCount(db(), t.refreshTokens)).toBe(1);
      expect(await rowCount(db(), t.grants)).toBe(2);
      expect(await later(2 * HOUR + 5 * MINUTE,
        () => tokens.saveTokens(revoked, makeAccessToken(revoked, { expiresAt: fromNow(3 * HOUR) }), null))).toBe(false);
      expect(await tokens.getGrant(long.id)).toEqual(long);
      expect(await tokens.getAccessToken(long.id, longAccess.hash)).toEqual(longAccess);
      expect(await tokens.getAuthorizationRequest(liveRequest.id)).toEqual(liveRequest);
      expect(await tokens.findDeviceTransaction(liveTransaction.id)).toEqual(liveTransaction);

      // Past the ten minutes the marker goes; then the 3 h rows of `long`, the request, the device transaction and the pushed request.
      expect(await later(2 * HOUR + 11 * MINUTE, () => purgeExpired(db(), { tablePrefix: prefix }))).toBe(1);
      expect(await later(4 * HOUR, () => purgeExpired(db(), { tablePrefix: prefix }))).toBe(4);
      expect(await tokens.findRefreshToken(long.id, longRefresh.hash)).toEqual({ record: longRefresh, used: false });
      await rollback(db(), { tablePrefix: prefix });
    });
  });

  describe(`${label} secrets at rest`, () => {
    it('keeps no plain token, code, secret or CSRF token in any row after a full set of operations', async () => {
      const prefix = `leak${randomId().slice(0, 6).replace(/[^A-Za-z0-9]/g, 'x')}_`;
      await migrate(db(), { tablePrefix: prefix });
      const clients = knexClientStore(db(), { tablePrefix: prefix });
      const tokens = knexTokenStore(db(), { tablePrefix: prefix });
      const plain: string[] = [];
      const secret = () => { const value = randomSecret(); plain.push(value); return value; };
      const grantSecret = (grantId: string) => {
        const minted = mintGrantSecret(grantId);
        plain.push(minted.value, minted.value.slice(grantId.length + 1));
        return minted.hash;
      };

      const client = makeClient({ secretHash: hashSecret(secret()) });
      await clients.create(client);
      await clients.update(client.id, { secretHash: hashSecret(secret()) });
      const request = makeAuthorizationRequest({ clientId: client.id, csrfHash: hashSecret(secret()) });
      await tokens.saveAuthorizationRequest(request);
      const kept = makeAuthorizationRequest({ clientId: client.id, csrfHash: hashSecret(secret()) });
      await tokens.saveAuthorizationRequest(kept);
      expect(await tokens.deleteAuthorizationRequest(request.id)).toBe(true);
      const pageForm = makeDeviceTransaction({ csrfHash: hashSecret(secret()) });
      await tokens.saveDeviceTransaction(pageForm);
      await tokens.saveDeviceTransaction(makeDeviceTransaction({ csrfHash: hashSecret(secret()) }));
      expect(await tokens.consumeDeviceTransaction(pageForm.id)).toEqual(pageForm);

      const grant = makeGrant({ clientId: client.id });
      const code = makeCode(grant, { hash: grantSecret(grant.id), codeChallenge: hashSecret(secret()) });
      await tokens.saveCode(code);
      expect(await tokens.consumeCode(grant.id, code.hash)).toBe(true);
      const refresh = makeRefreshToken(grant, { hash: grantSecret(grant.id) });
      expect(await tokens.saveTokens(grant, makeAccessToken(grant, { hash: grantSecret(grant.id) }), refresh)).toBe(true);
      expect(await tokens.consumeRefreshToken(grant.id, refresh.hash)).toBe(true);
      const rotated = makeAccessToken(grant, { hash: grantSecret(grant.id) });
      expect(await tokens.saveTokens(grant, rotated, makeRefreshToken(grant, { hash: grantSecret(grant.id) }))).toBe(true);
      const revokedOne = makeAccessToken(grant, { hash: grantSecret(grant.id) });
      expect(await tokens.saveTokens(grant, revokedOne, null)).toBe(true);
      expect(await tokens.revokeAccessToken(grant.id, revokedOne.hash)).toBe(true);
      const gone = makeGrant({ clientId: client.id });
      expect(await tokens.saveTokens(gone, makeAccessToken(gone, { hash: grantSecret(gone.id) }), null)).toBe(true);
      expect(await tokens.revokeGrant(gone.id)).toBe(true);

      const dumped = JSON.stringify(await allTables(db(), prefix));
      // The search is real: the rows are there, with their hashes.
      expect(dumped).toContain(rotated.hash);
      expect(dumped).toContain(client.id);
      for (const value of plain) expect(dumped).not.toContain(value);
      await rollback(db(), { tablePrefix: prefix });
    });
  });
}
