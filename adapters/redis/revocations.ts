import type { Cluster, Redis } from 'ioredis';
import type { RevocationChannel, RevocationEvent, RevocationListener } from '../../src/storage';

export interface RedisRevocationChannelOptions {
  /** The pub/sub channel every instance of the site uses. @default 'oa:revocations' */
  channel?: string;
}

const GRANT_ID = /^[A-Za-z0-9_-]{22}$/;
const HASH = /^[A-Za-z0-9_-]{43}$/;

/** `g <grantId>`, `a <grantId> <hash>` or `c <clientId, percent-encoded>`: ids and hashes only, never a token or secret. */
function encode(event: RevocationEvent): string {
  if (event.type === 'client') return `c ${encodeURIComponent(event.clientId)}`;
  return event.type === 'grant' ? `g ${event.grantId}` : `a ${event.grantId} ${event.hash}`;
}

function decode(message: string): RevocationEvent | null {
  if (message.startsWith('c ')) {
    try {
      const clientId = decodeURIComponent(message.slice(2));
      return clientId.length > 0 && clientId.length <= 1024 ? { type: 'client', clientId } : null;
    } catch {
      return null;
    }
  }
  const [type, grantId, hash, extra] = message.split(' ');
  if (extra !== undefined || grantId === undefined || !GRANT_ID.test(grantId)) return null;
  if (type === 'g' && hash === undefined) return { type: 'grant', grantId };
  if (type === 'a' && hash !== undefined && HASH.test(hash)) return { type: 'access', grantId, hash };
  return null;
}

/**
 * Revocations over Redis pub/sub, for `createOAuthProvider({ tokenCache: { revocations } })`.
 * `publisher` may be the client the token store uses; `subscriber` must be a connection of its
 * own (a subscribed ioredis connection runs no other command), e.g. `redis.duplicate()`.
 *
 *   const revocations = redisRevocationChannel(redis, redis.duplicate());
 *
 * Pub/sub delivers only to connected subscribers: while the subscriber is disconnected, the
 * caches it feeds are emptied and add nothing, until it has subscribed again.
 */
export function redisRevocationChannel(
  publisher: Redis | Cluster,
  subscriber: Redis | Cluster,
  options: RedisRevocationChannelOptions = {},
): RevocationChannel {
  const channel = options.channel ?? 'oa:revocations';
  const listeners = new Set<RevocationListener>();
  let ready = false;

  const subscribe = () => {
    subscriber.subscribe(channel).then(() => { ready = true; }, () => { /* tried again on the next 'ready' */ });
  };
  const dropped = () => {
    ready = false;
    for (const listener of listeners) listener.reset();
  };
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const event = decode(message);
    if (event) for (const listener of listeners) listener.event(event);
  });
  subscriber.on('ready', subscribe);
  subscriber.on('close', dropped);
  subscriber.on('end', dropped);
  if (subscriber.status === 'ready') subscribe();

  return {
    get ready() {
      return ready;
    },
    async publish(event) {
      await publisher.publish(channel, encode(event));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
  };
}
