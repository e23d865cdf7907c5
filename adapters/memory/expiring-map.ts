/** Entries examined per write by the background sweep: bounded work, yet memory stays proportional to live data. */
const SWEEP_BUDGET = 16;

/** A Map whose entries carry a deadline: dropped when read after it, and swept a few at a time on writes. */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  // A live Map iterator survives insertions and deletions, so the sweep resumes where it stopped.
  private cursor: Iterator<[string, { value: V; expiresAt: number }]> | null = null;

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    this.entries.set(key, { value, expiresAt });
    this.sweep();
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  *values(): IterableIterator<V> {
    for (const key of [...this.entries.keys()]) {
      const value = this.get(key);
      if (value !== undefined) yield value;
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (let i = 0; i < SWEEP_BUDGET; i += 1) {
      this.cursor ??= this.entries.entries();
      const next = this.cursor.next();
      if (next.done) {
        this.cursor = null;
        return;
      }
      const [key, entry] = next.value;
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}
