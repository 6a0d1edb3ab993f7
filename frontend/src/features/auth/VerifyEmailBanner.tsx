import { ResendVerificationButton } from './ResendVerificationButton';
import { useSession } from './session';

export function VerifyEmailBanner() {
  const { user } = useSession();
  if (user.email_verified) return null;
  return (
    <div className="banner" role="region" aria-label="Verify your email">
      <p className="banner-text">
        <strong>Verify your email.</strong> We sent a link to {user.email}; open it to confirm the address.
      </p>
      <ResendVerificationButton variant="ghost" />
    </div>
  );
}
