import type Database from 'better-sqlite3'
import type { PasswordStore } from '../passwords.ts'

export class SqlitePasswordStore implements PasswordStore {
  constructor(private readonly db: Database.Database) {}

  async replaceHash(agentId: string, expected: string, next: string): Promise<boolean> {
    const result = this.db.prepare('UPDATE agents SET password_hash = ? WHERE id = ? AND password_hash = ?').run(next, agentId, expected)
    return result.changes === 1
  }
}
