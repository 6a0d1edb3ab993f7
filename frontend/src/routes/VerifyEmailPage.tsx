import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Alert, buttonClass, LoadingBlock } from '@/components/ui';
import { useVerifyEmail } from '@/features/auth/hooks';
import { ResendVerificationButton } from '@/features/auth/ResendVerificationButton';
import { meQueryOptions } from '@/features/auth/session';
import { parseError } from '@/lib/problem';
import { loginPath } from '@/lib/redirect';

import { AuthLayout } from './AuthLayout';

/** The link in the verification email lands here and is submitted straight away. */
export function VerifyEmailPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const me = useQuery(meQueryOptions());
  const verify = useVerifyEmail();
  const { mutate } = verify;
  const submitted = useRef(false);

  useEffect(() => {
    // Tokens are single-use: submit once, even when React mounts the page twice in development.
    if (!token || submitted.current) return;
    submitted.current = true;
    mutate({ body: { token } });
  }, [token, mutate]);

  const signedIn = me.isSuccess;
  const alreadyVerified = signedIn && me.data.user.email_verified;

  const resendOrLogin = signedIn ? (
    alreadyVerified ? (
      <Link className={buttonClass('primary')} to="/">
        Continue to Epox
      </Link>
    ) : (
      <ResendVerificationButton />
    )
  ) : (
    <Link className={buttonClass('secondary')} to={loginPath('/verify-email')}>
      Log in to get a new link
    </Link>
  );

  if (!token) {
    return (
      <AuthLayout title="Verify your email" subtitle="Open the link we emailed you to confirm your address.">
        {alreadyVerified ? <Alert tone="success">Your email is already verified.</Alert> : null}
        <div className="button-row">{resendOrLogin}</div>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Verify your email">
      {(verify.isIdle || verify.isPending) && <LoadingBlock label="Verifying your email…" />}
      {verify.isSuccess && (
        <div className="stack">
          <Alert tone="success" title="Your email is verified">
            Thanks! {verify.data.email} is confirmed.
          </Alert>
          <div className="button-row">
            <Link className={buttonClass('primary')} to="/">
              Continue to Epox
            </Link>
          </div>
        </div>
      )}
      {verify.isError && (
        <div className="stack">
          <Alert tone="error" title="We couldn't verify your email">
            {parseError(verify.error).message}
          </Alert>
          <div className="button-row">{resendOrLogin}</div>
        </div>
      )}
    </AuthLayout>
  );
}
