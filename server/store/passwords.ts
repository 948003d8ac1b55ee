// Agents' password hashes, beyond the one written when the agent is created.

export interface PasswordStore {
  /**
   * Replaces the agent's hash only if it is still `expected` (compare-and-set): an upgrade of an old
   * hash after sign-in must never undo a password change made meanwhile. False when it was not.
   */
  replaceHash(agentId: string, expected: string, next: string): Promise<boolean>
}
