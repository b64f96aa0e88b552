import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue, type ConnectionOptions } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@csms/common';
import { gatewayNodeQueue } from '../queue-names';
import { redisConnectionOptions } from '../redis';

/** The only job name on a gateway node queue: deliver one command row to its charger. */
export const SEND_COMMAND_JOB = 'send-command';

export interface SendCommandJob {
  commandId: string;
  chargePointId: string;
}

/** BullMQ job id of a command's n-th dispatch (re-dispatches get a new id; ':' is not allowed in ids). */
export function commandJobId(commandId: string, dispatch: number): string {
  return `${commandId}.${dispatch}`;
}

/**
 * Puts command jobs on the queue of the gateway node holding the charger. The job carries only the
 * command id: the row in Postgres is the truth, so a duplicated or late job is harmless.
 */
@Injectable()
export class CommandProducer implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue<SendCommandJob>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  queueOf(nodeId: string): Queue<SendCommandJob> {
    let queue = this.queues.get(nodeId);
    if (!queue) {
      queue = new Queue<SendCommandJob>(gatewayNodeQueue(nodeId), {
        connection: redisConnectionOptions(this.config.redis.url) as ConnectionOptions,
        prefix: this.config.redis.queuePrefix,
      });
      queue.on('error', () => undefined);
      this.queues.set(nodeId, queue);
    }
    return queue;
  }

  async enqueue(nodeId: string, job: SendCommandJob, dispatch: number): Promise<void> {
    await this.queueOf(nodeId).add(SEND_COMMAND_JOB, job, {
      jobId: commandJobId(job.commandId, dispatch),
      // The worker records every outcome on the row itself; a BullMQ retry would only repeat a no-op.
      attempts: 1,
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 24 * 3600 },
    });
  }

  /**
   * Whether the job of a command's dispatch is still to be worked on in its node's queue. A job that
   * completed or failed while its row is still `queued` at that dispatch counts as lost too.
   */
  async hasPendingJob(nodeId: string, commandId: string, dispatch: number): Promise<boolean> {
    const job = await this.queueOf(nodeId).getJob(commandJobId(commandId, dispatch));
    if (!job) return false;
    const state = await job.getState();
    return !['completed', 'failed', 'unknown'].includes(state);
  }

  /** Drops the waiting jobs of a node that died (their rows were moved) and forgets its queue. */
  async discardNodeQueue(nodeId: string): Promise<void> {
    const queue = this.queueOf(nodeId);
    this.queues.delete(nodeId);
    try {
      await queue.drain(true);
    } finally {
      await queue.close().catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
  }
}
