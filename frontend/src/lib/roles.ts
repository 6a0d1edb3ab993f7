/** Workspace roles, strongest first. Owners and admins manage the workspace; viewers only read. */
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type RoleName = (typeof ROLES)[number];

export const ROLE_LABELS: Record<RoleName, string> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  viewer: 'Viewer',
};

export const ROLE_DESCRIPTIONS: Record<RoleName, string> = {
  owner: 'Everything, including billing and deleting the workspace',
  admin: 'Manages members, invitations, API keys and settings',
  member: 'Creates products, generations and assets',
  viewer: 'Can look at everything, change nothing',
};

export function roleLabel(role: string): string {
  return (ROLE_LABELS as Record<string, string>)[role] ?? role;
}

/** Owners and admins manage members, invitations, API keys and the workspace itself. */
export function canManageWorkspace(role: string | null | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

/** Anyone but a viewer may change things (products, generations, assets). */
export function canWrite(role: string | null | undefined): boolean {
  return !!role && role !== 'viewer';
}

/** Roles an actor may hand out: only an owner can make someone an owner. */
export function assignableRoles(actorRole: string | null | undefined): RoleName[] {
  if (actorRole === 'owner') return [...ROLES];
  if (actorRole === 'admin') return ['admin', 'member', 'viewer'];
  return [];
}

export function roleDescription(role: string): string {
  return (ROLE_DESCRIPTIONS as Record<string, string>)[role] ?? '';
}
