import { describe, expect, it, jest } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { ipv6Prefix64 } from '../../src/limits/client-ip';
import { createFixture } from '../support/provider-fixture';

describe('the address a limit counts', () => {
  it.each([
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['64:ff9b::192.0.2.7', '64:ff9b:0:0::/64'],
  ])('groups the IPv6 address %s into %s', (ip, expected) => {
    expect(ipv6Prefix64(ip)).toBe(expected);
  });

  it('leaves IPv4 addresses alone', () => {
    expect(ipv6Prefix64('192.0.2.7')).toBeNull();
    expect(ipv6Prefix64('not an address')).toBeNull();
  });

  it('counts two addresses of one /64 as one: the second gets 429 after the first used the budget', async () => {
    const f = await createFixture({ rateLimit: { failures: 2, windowSeconds: 60 } });
    f.app.set('trust proxy', 1);
    const junk = (ip: string) => request(f.app).post('/oauth/token').set('X-Forwarded-For', ip).type('form').send({ grant_type: 'x' });
    expect((await junk('2001:db8:7:7::1')).status).toBe(401);
    expect((await junk('2001:db8:7:7::2')).status).toBe(401);
    expect((await junk('2001:db8:7:7:ffff::3')).status).toBe(429);
    expect((await junk('2001:db8:7:8::1')).status).toBe(401);
  });
});

describe('the proxy warning', () => {
  async function site(trustProxy: unknown) {
    const warn = jest.fn<(message: string) => void>();
    const f = await createFixture({ logger: { error: () => undefined, warn } });
    const app = express();
    app.set('trust proxy', trustProxy);
    app.use('/oauth', f.oauth.router);
    return { app, warn };
  }
  const call = (app: express.Express, forwarded?: string) => {
    const req = request(app).post('/oauth/revoke').type('form');
    if (forwarded) req.set('X-Forwarded-For', forwarded);
    return req.send({ token: 'x' });
  };

  it('warns once when X-Forwarded-For arrives while trust proxy is off', async () => {
    const { app, warn } = await site(false);
    await call(app);
    expect(warn).not.toHaveBeenCalled();
    await call(app, '198.51.100.1');
    await call(app, '198.51.100.2');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/trust proxy.*off/);
  });

  it('warns once when trust proxy is true, since any client could then pick its address', async () => {
    const { app, warn } = await site(true);
    await call(app);
    await call(app);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/trust proxy` is true/);
  });

  it('stays quiet with a hop count', async () => {
    const { app, warn } = await site(1);
    await call(app, '198.51.100.1');
    expect(warn).not.toHaveBeenCalled();
  });
});
