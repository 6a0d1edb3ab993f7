import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';

import {
  acceptInvitationMutation,
  createInvitationMutation,
  getMeQueryKey,
  listInvitationsInfiniteOptions,
  listInvitationsQueryKey,
  listMembersInfiniteOptions,
  listMembersQueryKey,
  removeMemberMutation,
  revokeInvitationMutation,
  updateMemberMutation,
} from '@/client/@tanstack/react-query.gen';
import type { ListInvitationsResponse, ListMembersResponse } from '@/client/types.gen';

export type Member = ListMembersResponse['items'][number];
export type Invitation = ListInvitationsResponse['items'][number];

/**
 * Keyset pagination: the first page has no cursor, the next one uses `next_cursor`. (The generated infinite
 * options treat an object page param as request options, so the first page is `{}`, never `null`.)
 */
const cursorPages = {
  initialPageParam: {},
  getNextPageParam: (page: { next_cursor?: string | null }) => page.next_cursor ?? undefined,
};

/** Members of the active workspace, a page at a time (keyset cursor). */
export function useMembers() {
  return useInfiniteQuery({ ...listMembersInfiniteOptions(), ...cursorPages });
}

export function useInvitations() {
  return useInfiniteQuery({ ...listInvitationsInfiniteOptions(), ...cursorPages });
}

export function useUpdateMember() {
  const queryClient = useQueryClient();
  return useMutation({
    ...updateMemberMutation(),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: listMembersQueryKey() }),
        // Changing your own role (an owner handing over) changes what you may do.
        queryClient.invalidateQueries({ queryKey: getMeQueryKey() }),
      ]),
  });
}

export function useRemoveMember() {
  const queryClient = useQueryClient();
  return useMutation({
    ...removeMemberMutation(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: listMembersQueryKey() }),
  });
}

export function useCreateInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    ...createInvitationMutation(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: listInvitationsQueryKey() }),
  });
}

export function useRevokeInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    ...revokeInvitationMutation(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: listInvitationsQueryKey() }),
  });
}

/** Accepting answers with the new `Me` (now in the inviting workspace); everything cached was for another one. */
export function useAcceptInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    ...acceptInvitationMutation(),
    onSuccess: (me) => {
      queryClient.removeQueries();
      queryClient.setQueryData(getMeQueryKey(), me);
    },
  });
}
