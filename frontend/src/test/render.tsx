import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter } from 'react-router';

import { App } from '@/App';
import { createQueryClient } from '@/lib/queryClient';
import { routes } from '@/routes';

/** Renders the whole app (real routes, real query client) at `path`. */
export function renderApp(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const queryClient = createQueryClient();
  // No pause between keystrokes: typing costs no timers, so form tests stay fast on a busy CI machine.
  const user = userEvent.setup({ delay: null });
  const result = render(<App router={router} queryClient={queryClient} />);
  return { ...result, router, queryClient, user };
}
