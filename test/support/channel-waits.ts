import type { RevocationChannel, RevocationEvent } from '../../src/storage';

/** Waits on revocation channels in tests that run two instances on one Redis. */

/** Waits for an event still open when its test ends; afterEach closes them, so no timer outlives its test. */
const openWaits = new Set<() => void>();
afterEach(() => {
  for (const close of [...openWaits]) close();
});

/**
 * Resolves with the first event heard on `channel` that matches, or rejects after 5 s (never hangs
 * the suite). A test that fails before awaiting it leaves nothing behind: afterEach closes the wait.
 */
export function heard(channel: RevocationChannel, match: (event: RevocationEvent) => boolean): Promise<RevocationEvent> {
  return new Promise((resolve, reject) => {
    const stop = channel.subscribe({
      event(event) {
        if (!match(event)) return;
        close();
        resolve(event);
      },
      reset() { /* not this test's concern */ },
    });
    const timer = setTimeout(() => { close(); reject(new Error('no revocation event within 5 s')); }, 5000);
    function close() {
      clearTimeout(timer);
      stop();
      openWaits.delete(close);
    }
    openWaits.add(close);
  });
}

/** Waits (at most 5 s, in 20 ms steps) until the channel has subscribed. */
export async function whenReady(channel: RevocationChannel): Promise<void> {
  for (let i = 0; i < 250 && !channel.ready; i += 1) await new Promise((r) => setTimeout(r, 20));
  expect(channel.ready).toBe(true);
}
