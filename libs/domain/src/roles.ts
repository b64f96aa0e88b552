/** Organization roles, as the operator guide defines them. */
export const ROLES = ['owner', 'admin', 'operator', 'member', 'billing', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
