import type { ReactNode } from 'react';
import { Link } from 'react-router';

import { Logo } from '@/components/Logo';
import { usePageTitle } from '@/lib/usePageTitle';

interface AuthLayoutProps {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  /** Wider card for content pages such as the dev outbox. */
  wide?: boolean;
}

/** The frame of every public page: logo, one card, nothing else to look at. */
export function AuthLayout({ title, subtitle, children, wide = false }: AuthLayoutProps) {
  usePageTitle(title);
  return (
    <div className="auth-page">
      <Link to="/" className="auth-logo" aria-label="Epox home">
        <Logo />
      </Link>
      <main className={wide ? 'auth-card auth-card--wide' : 'auth-card'}>
        <h1 className="auth-title">{title}</h1>
        {subtitle && <p className="auth-subtitle">{subtitle}</p>}
        {children}
      </main>
    </div>
  );
}
