import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Injectable, Module } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QueueName } from './queue-names';

/** Job names of the reservations queue; each has exactly one handler in the api's reservations worker. */
export enum ReservationJob {
  Expire = 'expire-reservation',
}

/** Expires one reservation if it is still open at its expiry date; the row holds the date. */
export interface ExpireReservationPayload {
  reservationId: string;
}

export interface ReservationJobs {
  [ReservationJob.Expire]: ExpireReservationPayload;
}

/**
 * Schedules reservation expiry as a delayed job. The job id is the reservation id, so scheduling the
 * same reservation twice adds nothing; the expiry itself is a conditional update, so it happens once
 * whoever gets there first (this job or the api's periodic sweep from Postgres).
 */
@Injectable()
export class ReservationsProducer {
  constructor(@InjectQueue(QueueName.Reservations) private readonly queue: Queue) {}

  async scheduleExpiry(reservationId: string, delayMs: number): Promise<void> {
    const payload: ExpireReservationPayload = { reservationId };
    await this.queue.add(ReservationJob.Expire, payload, {
      jobId: reservationId,
      delay: Math.max(0, Math.ceil(delayMs)),
    });
  }
}

@Module({
  imports: [BullModule.registerQueue({ name: QueueName.Reservations })],
  providers: [ReservationsProducer],
  exports: [ReservationsProducer, BullModule],
})
export class ReservationsQueueModule {}
