// The pipeline worker process. Foundation: it connects, logs and stops cleanly; the pipeline
// issue adds the BullMQ scheduler and the batch stages here.
import type { Services } from '../services.js';

export interface WorkerHandle {
  stop(): Promise<void>;
}

export async function startWorker(services: Services): Promise<WorkerHandle> {
  services.log.info('pipeline worker started (no stages yet)');
  return {
    async stop() {
      services.log.info('pipeline worker stopped');
    },
  };
}

export interface DrainSummary {
  stages: Record<string, number>;
}

/** Process everything queued now. */
export async function drainAll(_services: Services): Promise<DrainSummary> {
  return { stages: {} };
}
