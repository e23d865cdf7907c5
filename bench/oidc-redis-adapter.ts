/**
 * oidc-provider's storage interface on Redis, laid out as its documentation's Redis example is,
 * since that is what a site starting from the documentation runs: one key `<Model>:<id>` per
 * entity (a JSON string, or a hash with `payload` and `consumed` for what can be consumed), every
 * grantable entity's key appended to a `grant:<grantId>` list so a grant revokes in one go, and
 * `uid:` and `userCode:` keys pointing to an id. Every key carries the process's prefix, which the
 * bench removes at stop.
 */
import type Redis from 'ioredis';

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
const CONSUMABLE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

type Payload = Record<string, unknown> & { grantId?: string; userCode?: string; uid?: string };

export function oidcRedisAdapter(client: Redis, prefix: string) {
  const grantKey = (grantId: string) => `${prefix}grant:${grantId}`;
  const uidKey = (uid: string) => `${prefix}uid:${uid}`;
  const userCodeKey = (userCode: string) => `${prefix}userCode:${userCode}`;

  return class RedisAdapter {
    constructor(readonly name: string) {}

    key(id: string): string {
      return `${prefix}${this.name}:${id}`;
    }

    async upsert(id: string, payload: Payload, expiresIn: number): Promise<void> {
      const key = this.key(id);
      const multi = client.multi();
      // A hash, so that consume() can mark it without rewriting the payload.
      if (CONSUMABLE.has(this.name)) multi.hset(key, 'payload', JSON.stringify(payload));
      else multi.set(key, JSON.stringify(payload));
      if (expiresIn) multi.expire(key, expiresIn);
      if (GRANTABLE.has(this.name) && payload.grantId) {
        const list = grantKey(payload.grantId);
        multi.rpush(list, key);
        // The list must live as long as its longest-lived member, so its TTL only grows.
        const ttl = await client.ttl(list);
        if (expiresIn > ttl) multi.expire(list, expiresIn);
      }
      if (payload.userCode) multi.set(userCodeKey(payload.userCode), id, 'EX', expiresIn);
      if (payload.uid) multi.set(uidKey(payload.uid), id, 'EX', expiresIn);
      await multi.exec();
    }

    async find(id: string): Promise<Payload | undefined> {
      if (!CONSUMABLE.has(this.name)) {
        const value = await client.get(this.key(id));
        return value ? (JSON.parse(value) as Payload) : undefined;
      }
      const { payload, ...rest } = await client.hgetall(this.key(id));
      if (!payload) return undefined;
      const fields: Payload = JSON.parse(payload) as Payload;
      if (rest.consumed) fields.consumed = Number(rest.consumed);
      return fields;
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      const id = await client.get(uidKey(uid));
      return id ? this.find(id) : undefined;
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      const id = await client.get(userCodeKey(userCode));
      return id ? this.find(id) : undefined;
    }

    async consume(id: string): Promise<void> {
      await client.hset(this.key(id), 'consumed', Math.floor(Date.now() / 1000));
    }

    async destroy(id: string): Promise<void> {
      await client.del(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const keys = await client.lrange(grantKey(grantId), 0, -1);
      const multi = client.multi();
      for (const key of keys) multi.del(key);
      multi.del(grantKey(grantId));
      await multi.exec();
    }
  };
}
