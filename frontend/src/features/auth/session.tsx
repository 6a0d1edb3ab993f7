import { createContext, type ReactNode, useContext } from 'react';

import { getMeOptions, getMeQueryKey } from '@/client/@tanstack/react-query.gen';
import type { GetMeResponse } from '@/client/types.gen';

/** The signed-in person, their active workspace, their role there, and every workspace they belong to. */
export type Me = GetMeResponse;
export type Membership = Me['memberships'][number];
export type Organization = NonNullable<Me['organization']>;
export type Role = NonNullable<Me['role']>;

/**
 * A signed-in person with an active workspace: what every page inside the app layout gets. (`get_me` answers
 * `organization: null` for someone who was removed from their last workspace.)
 */
export type Session = Me & { organization: Organization; role: Role };

export function hasWorkspace(me: Me): me is Session {
  return me.organization !== null && me.role !== null;
}

/** `get_me` answers 401 when signed out: an answer, not a failure worth retrying. */
export function meQueryOptions() {
  return { ...getMeOptions(), retry: false };
}

export { getMeQueryKey as meQueryKey };

const SessionContext = createContext<Session | null>(null);

/** Provided by the app layout once `get_me` succeeded, so pages inside it never see a missing session. */
export function SessionProvider({ me, children }: { me: Session; children: ReactNode }) {
  return <SessionContext.Provider value={me}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession() is only available inside the signed-in app layout.');
  return me;
}
