import type { ReactElement } from 'react';

import { EmptyState } from '@/components/ui';

import { PageHeader } from './PageHeader';

interface SectionPageProps {
  title: string;
  /** One line: what this page holds once it has content. */
  description: string;
  icon: ReactElement;
  emptyTitle: string;
}

/** A section of the app that has nothing to show yet: its name and what will live here. No made-up data. */
export function SectionPage({ title, description, icon, emptyTitle }: SectionPageProps) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <div className="card">
        <EmptyState icon={icon} title={emptyTitle} description={description} />
      </div>
    </>
  );
}
