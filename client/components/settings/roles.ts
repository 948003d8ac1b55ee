import type { Role } from '../../../shared/schemas/admin.ts'

/** The UI's names for the two roles (DESIGN §1's vocabulary: "Administrator", "Agent"). */
export const roleLabel: Record<Role, string> = { admin: 'Administrator', agent: 'Agent' }
