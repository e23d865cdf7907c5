import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../crypto';

/**
 * Server-provided DPoP nonces (RFC 9449 §8) without storage: a nonce is an HMAC of the current time
 * slot under a site secret, so every instance with the same secret issues and accepts the same
 * nonces. The current and the previous slot's nonce are accepted, so a nonce handed out just before
 * a slot ends still works for at least one whole slot.
 */
const built = new WeakMap<object, DpopNonces>();

export class DpopNonces {
  /** One per site setting, so the secret's HMAC key is set up once. */
  static of(settings: { secret: string; lifetime: number }): DpopNonces {
    let nonces = built.get(settings);
    if (!nonces) built.set(settings, nonces = new DpopNonces(settings.secret, settings.lifetime));
    return nonces;
  }

  constructor(private readonly secret: string, private readonly slotSeconds: number) {}

  current(now: Date): string {
    return this.forSlot(this.slotOf(now));
  }

  isValid(nonce: string | undefined, now: Date): boolean {
    if (nonce === undefined || nonce.length > 64) return false;
    const slot = this.slotOf(now);
    // Both compared, always: which one matched must not show in the time taken.
    const current = constantTimeEqual(nonce, this.forSlot(slot));
    const previous = constantTimeEqual(nonce, this.forSlot(slot - 1));
    return current || previous;
  }

  private slotOf(now: Date): number {
    return Math.floor(now.getTime() / 1000 / this.slotSeconds);
  }

  private forSlot(slot: number): string {
    return createHmac('sha256', this.secret).update(`dpop-nonce:${slot}`).digest('base64url').slice(0, 32);
  }
}
