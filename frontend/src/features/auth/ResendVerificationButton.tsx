import { Button } from '@/components/ui';
import { parseError } from '@/lib/problem';

import { useResendVerification } from './hooks';

/** Sends the verification email again; says whether it went out (or why not) right next to the button. */
export function ResendVerificationButton({ variant = 'secondary' }: { variant?: 'secondary' | 'ghost' | 'primary' }) {
  const resend = useResendVerification();
  return (
    <span className="inline-action">
      <Button size="sm" variant={variant} loading={resend.isPending} onClick={() => resend.mutate({})}>
        {resend.isSuccess ? 'Send again' : 'Resend email'}
      </Button>
      <span role="status" className="inline-action-status">
        {resend.isSuccess && 'Sent. Check your inbox.'}
        {resend.isError && parseError(resend.error).message}
      </span>
    </span>
  );
}
