import type { ApiToken } from '../../../shared/schemas/admin.ts'
import { type SessionRecord, type SessionStore, tokenIdOf } from '../sessions.ts'
import type { PgDb } from './pg-db.ts'

export class PgSessionStore implements SessionStore {
  constructor(private readonly db: PgDb) {}

  async createSession(tokenHash: string, s: SessionRecord & { label: string | null }, now: number): Promise<void> {
    await this.db.run('INSERT INTO sessions (token_hash, agent_id, kind, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      tokenHash,
      s.agentId,
      s.kind,
      s.label,
      now,
      s.expiresAt,
    ])
  }

  async getSession(tokenHash: string): Promise<SessionRecord | null> {
    const r = await this.db.row<{ agent_id: string; kind: string; expires_at: number }>(
      'SELECT agent_id, kind, expires_at FROM sessions WHERE token_hash = $1',
      [tokenHash],
    )
    return r ? { agentId: r.agent_id, kind: r.kind as SessionRecord['kind'], expiresAt: r.expires_at } : null
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.run('DELETE FROM sessions WHERE token_hash = $1', [tokenHash])
  }

  async endAllOf(agentId: string, keep?: string): Promise<string[]> {
    const rows = await this.db.rows<{ token_hash: string }>(
      'DELETE FROM sessions WHERE agent_id = $1 AND token_hash IS DISTINCT FROM $2 RETURNING token_hash',
      [agentId, keep ?? null],
    )
    return rows.map((r) => r.token_hash)
  }

  async purgeExpired(now: number): Promise<string[]> {
    const rows = await this.db.rows<{ token_hash: string }>('DELETE FROM sessions WHERE expires_at <= $1 RETURNING token_hash', [now])
    return rows.map((r) => r.token_hash)
  }

  async apiTokensOf(agentId: string): Promise<(ApiToken & { tokenHash: string })[]> {
    const rows = await this.db.rows<{ token_hash: string; label: string | null; created_at: number; last_used_at: number | null; expires_at: number }>(
      `SELECT token_hash, label, created_at, last_used_at, expires_at FROM sessions WHERE agent_id = $1 AND kind = 'api' ORDER BY created_at`,
      [agentId],
    )
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
    await this.db.run('UPDATE sessions SET last_used_at = $1 WHERE token_hash = $2 AND (last_used_at IS NULL OR last_used_at <= $3)', [
      now,
      tokenHash,
      now - minGapMs,
    ])
  }
}
