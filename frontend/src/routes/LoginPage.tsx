import { Link, useSearchParams } from 'react-router';

import { LoginForm } from '@/features/auth/LoginForm';
import { safeNext } from '@/lib/redirect';

import { AuthLayout } from './AuthLayout';

export function LoginPage() {
  const [params] = useSearchParams();
  return (
    <AuthLayout title="Log in to Epox" subtitle="Welcome back. Your products and images are where you left them.">
      <LoginForm next={safeNext(params.get('next'))} />
      <p className="form-footnote">
        <Link to="/pricing">See plans and pricing</Link>
      </p>
    </AuthLayout>
  );
}
