import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';

import { AcceptInvitationPage } from './AcceptInvitationPage';
import { AppLayout } from './AppLayout';
import { DashboardPage } from './DashboardPage';
import { DevOutboxPage } from './DevOutboxPage';
import { NotFoundPage, RouteErrorPage } from './ErrorPages';
import { ForgotPasswordPage } from './ForgotPasswordPage';
import { LoginPage } from './LoginPage';
import { ResetPasswordPage } from './ResetPasswordPage';
import { AssetsPage, BillingPage, ProductsPage, StorePage, StudioPage, UsagePage } from './sections';
import {
  AccountSettingsPage,
  ApiKeysSettingsPage,
  MembersSettingsPage,
  WorkspaceSettingsPage,
} from './settings/pages';
import { SettingsLayout } from './settings/SettingsLayout';
import { SignupPage } from './SignupPage';
import { VerifyEmailPage } from './VerifyEmailPage';

export const routes: RouteObject[] = [
  {
    errorElement: <RouteErrorPage />,
    children: [
      // Public
      { path: 'login', element: <LoginPage /> },
      { path: 'signup', element: <SignupPage /> },
      { path: 'verify-email', element: <VerifyEmailPage /> },
      { path: 'forgot-password', element: <ForgotPasswordPage /> },
      { path: 'reset-password', element: <ResetPasswordPage /> },
      { path: 'invitations/accept', element: <AcceptInvitationPage /> },
      { path: 'dev/outbox', element: <DevOutboxPage /> },
      // Signed in
      {
        element: <AppLayout />,
        children: [
          { index: true, element: <DashboardPage /> },
          { path: 'products', element: <ProductsPage /> },
          { path: 'studio', element: <StudioPage /> },
          { path: 'assets', element: <AssetsPage /> },
          { path: 'store', element: <StorePage /> },
          { path: 'usage', element: <UsagePage /> },
          { path: 'billing', element: <BillingPage /> },
          {
            path: 'settings',
            element: <SettingsLayout />,
            children: [
              { index: true, element: <Navigate to="/settings/workspace" replace /> },
              { path: 'workspace', element: <WorkspaceSettingsPage /> },
              { path: 'members', element: <MembersSettingsPage /> },
              { path: 'api-keys', element: <ApiKeysSettingsPage /> },
              { path: 'account', element: <AccountSettingsPage /> },
            ],
          },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
