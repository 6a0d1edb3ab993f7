import { Spinner } from '@/components/ui';

import type { VideoEditState } from './hooks';

/** Where a video edit stands: starting, waiting for or running on the video worker, or why it failed. */
export function EditStatus({ state, doing }: { state: VideoEditState; doing: string }) {
  if (state.status === 'starting' || state.status === 'running')
    return (
      <div className="video-edit-status" role="status">
        <div className="progress progress--running" aria-hidden="true">
          <div className="progress-bar" />
        </div>
        <p>
          <Spinner size="sm" /> {state.status === 'running' && state.queued ? 'Waiting for the video worker…' : `${doing}…`} The result is a new
          revision; the original stays as it is.
        </p>
      </div>
    );
  if (state.status === 'failed')
    return (
      <p className="video-edit-status video-edit-status--failed" role="alert">
        {state.message} The clip is unchanged.
      </p>
    );
  return null;
}
