import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';

import { AcceptInvitationPage } from './AcceptInvitationPage';
import {
  AdminAuditPage,
  AdminCatalogPage,
  AdminCostsPage,
  AdminJobsPage,
  AdminOrganizationPage,
  AdminOrganizationsPage,
} from './admin/pages';
import { AdminLayout } from './AdminPage';
import { AppLayout } from './AppLayout';
import { AssetsPage } from './AssetsPage';
import { BillingPage } from './BillingPage';
import { DashboardPage } from './DashboardPage';
import { DevOutboxPage } from './DevOutboxPage';
import { NotFoundPage, RouteErrorPage } from './ErrorPages';
import { ForgotPasswordPage } from './ForgotPasswordPage';
import { LoginPage } from './LoginPage';
import { OnboardingPage } from './OnboardingPage';
import { PricingPage } from './PricingPage';
import { ResetPasswordPage } from './ResetPasswordPage';
import { CategoriesPage } from './CategoriesPage';
import { CollectionDetailPage } from './CollectionDetailPage';
import { CollectionEditPage } from './CollectionEditPage';
import { CollectionsPage } from './CollectionsPage';
import { ProductDetailPage } from './ProductDetailPage';
import { ProductsPage } from './ProductsPage';
import {
  AccountSettingsPage,
  ApiKeysSettingsPage,
  MembersSettingsPage,
  NotificationSettingsPage,
  WorkspaceSettingsPage,
} from './settings/pages';
import { SettingsLayout } from './settings/SettingsLayout';
import { SignupPage } from './SignupPage';
import { StorePage } from './StorePage';
import { StudioPage, VideoStudioPage } from './StudioPage';
import { UsageLayout } from './usage/UsageLayout';
import { CreditHistoryPage, UsageOverviewPage } from './usage/pages';
import { VerifyEmailPage } from './VerifyEmailPage';

export const routes: RouteObject[] = [
  {
    errorElement: <RouteErrorPage />,
    children: [
      // Public
      { path: 'login', element: <LoginPage /> },
      { path: 'signup', element: <SignupPage /> },
      { path: 'pricing', element: <PricingPage /> },
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
          { path: 'welcome', element: <OnboardingPage /> },
          { path: 'products', element: <ProductsPage /> },
          { path: 'products/categories', element: <CategoriesPage /> },
          { path: 'products/:productId', element: <ProductDetailPage /> },
          { path: 'studio', element: <StudioPage /> },
          { path: 'studio/video', element: <VideoStudioPage /> },
          { path: 'studio/collections', element: <CollectionsPage /> },
          { path: 'studio/collections/new', element: <CollectionEditPage /> },
          { path: 'studio/collections/:collectionId', element: <CollectionDetailPage /> },
          { path: 'studio/collections/:collectionId/edit', element: <CollectionEditPage /> },
          { path: 'assets', element: <AssetsPage /> },
          { path: 'store', element: <StorePage /> },
          {
            path: 'usage',
            element: <UsageLayout />,
            children: [
              { index: true, element: <UsageOverviewPage /> },
              { path: 'credits', element: <CreditHistoryPage /> },
            ],
          },
          { path: 'billing', element: <BillingPage /> },
          {
            path: 'admin',
            element: <AdminLayout />,
            children: [
              { index: true, element: <AdminOrganizationsPage /> },
              { path: 'organizations/:organizationId', element: <AdminOrganizationPage /> },
              { path: 'jobs', element: <AdminJobsPage /> },
              { path: 'costs', element: <AdminCostsPage /> },
              { path: 'audit', element: <AdminAuditPage /> },
              { path: 'catalog', element: <AdminCatalogPage /> },
            ],
          },
          {
            path: 'settings',
            element: <SettingsLayout />,
            children: [
              { index: true, element: <Navigate to="/settings/workspace" replace /> },
              { path: 'workspace', element: <WorkspaceSettingsPage /> },
              { path: 'members', element: <MembersSettingsPage /> },
              { path: 'api-keys', element: <ApiKeysSettingsPage /> },
              { path: 'notifications', element: <NotificationSettingsPage /> },
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
