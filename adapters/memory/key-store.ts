import type { KeyStore, SigningKeyRecord } from '../../src/storage';
import { copyRecord } from '../../src/storage';
import { ExpiringMap } from './expiring-map';
import { warnIfProduction } from './production-warning';

/** copyRecord is flat: the public JWK is an object of its own. */
function copyKey(key: SigningKeyRecord): SigningKeyRecord {
  const copy = copyRecord(key);
  copy.publicJwk = { ...key.publicJwk };
  return copy;
}

/**
 * Signing keys in process memory: for tests and demos. Keys made here are lost on restart and not
 * shared, so each process signs with keys of its own (fine for one process only).
 */
export function memoryKeyStore(): KeyStore {
  warnIfProduction();
  /** `<alg>:<generation>` -> key, forgotten after its expiresAt. */
  const keys = new ExpiringMap<SigningKeyRecord>();

  return {
    // No await inside: the check and the write are one step of the event loop, so exactly one concurrent add wins.
    async addSigningKey(key) {
      const slot = `${key.alg}:${key.generation}`;
      if (keys.get(slot) !== undefined) return false;
      keys.set(slot, copyKey(key), key.expiresAt.getTime());
      return true;
    },

    async listSigningKeys() {
      return [...keys.values()].map(copyKey);
    },
  };
}
