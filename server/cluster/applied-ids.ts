/**
 * Which of a doc's update ids a replica holds: every id up to `through`, and some beyond it (`ahead`)
 * when they came out of order. On PostgreSQL a doc's ids are gap-free (1, 2, 3, ...), so an id that is
 * not the next one means a missing update, and the replica catches up from the database; on SQLite
 * ids are shared by all docs, so every id beyond `through` looks like a gap and each is followed by a
 * catch-up (several processes on one SQLite file are for tests only).
 */
export class AppliedIds {
  private readonly ahead = new Set<number>()

  constructor(private last: number) {}

  /** Every update with an id up to this one is in the replica (compaction may merge up to here). */
  get through(): number {
    return this.last
  }

  get hasGap(): boolean {
    return this.ahead.size > 0
  }

  /** An update with this id was applied; true when some before it have not been (a gap). */
  add(id: number): boolean {
    if (id <= this.last) return false
    if (id === this.last + 1) {
      this.last = id
      this.absorb()
      return false
    }
    this.ahead.add(id)
    return true
  }

  /** A catch-up applied every stored update up to `id`. */
  caughtUp(id: number): void {
    if (id > this.last) this.last = id
    for (const a of this.ahead) if (a <= this.last) this.ahead.delete(a)
    this.absorb()
  }

  private absorb(): void {
    while (this.ahead.delete(this.last + 1)) this.last += 1
  }
}
