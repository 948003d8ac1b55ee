import type Database from 'better-sqlite3'
import type { ApiToken } from '../../../shared/schemas/admin.ts'
import { type SessionRecord, type SessionStore, tokenIdOf } from '../sessions.ts'
import { StatementCache } from './feed-append.ts'

export class SqliteSessionStore implements SessionStore {
  constructor(
    private readonly db: Database.Database,
    private readonly statements = new StatementCache(db),
  ) {}

  async createSession(tokenHash: string, s: SessionRecord & { label: string | null }, now: number): Promise<void> {
    this.statements.sql('INSERT INTO sessions (token_hash, agent_id, kind, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(tokenHash, s.agentId, s.kind, s.label, now, s.expiresAt)
  }

  async getSession(tokenHash: string): Promise<SessionRecord | null> {
    const r = this.statements.sql('SELECT agent_id, kind, expires_at FROM sessions WHERE token_hash = ?').get(tokenHash) as
      | { agent_id: string; kind: string; expires_at: number }
      | undefined
    return r ? { agentId: r.agent_id, kind: r.kind as SessionRecord['kind'], expiresAt: r.expires_at } : null
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.statements.sql('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash)
  }

  async endAllOf(agentId: string, keep?: string): Promise<string[]> {
    const rows = this.db
      .prepare('DELETE FROM sessions WHERE agent_id = ? AND token_hash IS NOT ? RETURNING token_hash')
      .all(agentId, keep ?? null) as { token_hash: string }[]
    return rows.map((r) => r.token_hash)
  }

  async purgeExpired(now: number): Promise<string[]> {
    const rows = this.db.prepare('DELETE FROM sessions WHERE expires_at <= ? RETURNING token_hash').all(now) as { token_hash: string }[]
    return rows.map((r) => r.token_hash)
  }

  async apiTokensOf(agentId: string): Promise<(ApiToken & { tokenHash: string })[]> {
    const rows = this.db
      .prepare(`SELECT token_hash, label, created_at, last_used_at, expires_at FROM sessions WHERE agent_id = ? AND kind = 'api' ORDER BY created_at`)
      .all(agentId) as { token_hash: string; label: string | null; created_at: number; last_used_at: number | null; expires_at: number }[]
    return rows.map((r) => ({
      id: tokenIdOf(r.token_hash),
      tokenHash: r.token_hash,
      label: r.label,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      expiresAt: r.expires_at,
    }))
  }

  async touch(tokenHash: string, now: number, minGapMs: number): Promise<void> {
    this.db
      .prepare('UPDATE sessions SET last_used_at = ? WHERE token_hash = ? AND (last_used_at IS NULL OR last_used_at <= ?)')
      .run(now, tokenHash, now - minGapMs)
  }
}
