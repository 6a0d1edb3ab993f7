import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  getNotificationPreferencesOptions,
  getNotificationPreferencesQueryKey,
  listNotificationsOptions,
  markAllNotificationsReadMutation,
  markNotificationReadMutation,
  updateNotificationPreferencesMutation,
} from '@/client/@tanstack/react-query.gen';
import type { NotificationOut, PreferenceOut } from '@/client/types.gen';

export type Notification = NotificationOut;
export type NotificationPreference = PreferenceOut;

export const MENU_SIZE = 20;
const REFRESH_MS = 60_000;

function isNotificationsQuery(queryKey: readonly unknown[]): boolean {
  return (queryKey[0] as { _id?: unknown } | undefined)?._id === 'listNotifications';
}

/** The latest notifications of the active workspace and the unread count, re-read every minute. */
export function useNotifications() {
  return useQuery({ ...listNotificationsOptions({ query: { limit: MENU_SIZE } }), refetchInterval: REFRESH_MS });
}

function useNotificationMutation<T extends object>(options: T) {
  const queryClient = useQueryClient();
  return {
    ...options,
    onSuccess: () => queryClient.invalidateQueries({ predicate: (query) => isNotificationsQuery(query.queryKey) }),
  };
}

export function useMarkNotificationRead() {
  return useMutation(useNotificationMutation(markNotificationReadMutation()));
}

export function useMarkAllNotificationsRead() {
  return useMutation(useNotificationMutation(markAllNotificationsReadMutation()));
}

export function useNotificationPreferences() {
  return useQuery(getNotificationPreferencesOptions());
}

export function useUpdateNotificationPreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    ...updateNotificationPreferencesMutation(),
    onSuccess: (preferences) => queryClient.setQueryData(getNotificationPreferencesQueryKey(), preferences),
  });
}
