import { useMutation, useQueryClient } from '@tanstack/react-query';

import {
  changePasswordMutation,
  confirmPasswordResetMutation,
  getMeQueryKey,
  listMembersQueryKey,
  loginMutation,
  logoutMutation,
  requestPasswordResetMutation,
  resendVerificationMutation,
  signupMutation,
  updateMeMutation,
  verifyEmailMutation,
} from '@/client/@tanstack/react-query.gen';

/**
 * Signing in or up starts a new session: whatever the cache held belonged to nobody (or someone else), so it is
 * dropped and the app layout fetches `get_me` afresh.
 */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({ ...loginMutation(), onSuccess: () => queryClient.removeQueries() });
}

export function useSignup() {
  const queryClient = useQueryClient();
  return useMutation({ ...signupMutation(), onSuccess: () => queryClient.removeQueries() });
}

export function useLogout() {
  const queryClient = useQueryClient();
  // Even a failed logout (an already expired session) ends with nothing cached.
  return useMutation({ ...logoutMutation(), onSettled: () => queryClient.removeQueries() });
}

export function useVerifyEmail() {
  const queryClient = useQueryClient();
  return useMutation({
    ...verifyEmailMutation(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: getMeQueryKey() }),
  });
}

export function useResendVerification() {
  return useMutation(resendVerificationMutation());
}

export function useRequestPasswordReset() {
  return useMutation(requestPasswordResetMutation());
}

export function useConfirmPasswordReset() {
  return useMutation(confirmPasswordResetMutation());
}

export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    ...updateMeMutation(),
    onSuccess: (me) => {
      queryClient.setQueryData(getMeQueryKey(), me);
      return queryClient.invalidateQueries({ queryKey: listMembersQueryKey() });
    },
  });
}

export function useChangePassword() {
  return useMutation(changePasswordMutation());
}
