import type { PasswordStore } from '../passwords.ts'
import type { PgDb } from './pg-db.ts'

export class PgPasswordStore implements PasswordStore {
  constructor(private readonly db: PgDb) {}

  async replaceHash(agentId: string, expected: string, next: string): Promise<boolean> {
    // One UPDATE is the compare-and-set: a concurrent change of the hash makes its WHERE match nothing.
    return (await this.db.run('UPDATE agents SET password_hash = $1 WHERE id = $2 AND password_hash = $3', [next, agentId, expected])) === 1
  }
}
