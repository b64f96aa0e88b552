import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { Clock } from '@csms/common';
import { Reservation, ReservationTransitions } from '@csms/domain';
import { ExpireReservationPayload, QueueName, ReservationJob, ReservationJobs } from '@csms/queues';

/**
 * The reservations worker: expires a reservation at its expiry date. Created paused and started at
 * bootstrap; closed by @nestjs/bullmq when the app closes.
 */
@Processor(QueueName.Reservations, { autorun: false })
export class ReservationsProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('ReservationsWorker');

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker
      .run()
      .catch((err: unknown) => this.logger.error(`Reservations worker stopped: ${String(err)}`));
  }

  /** One handler per job name; the Record type makes a job name without a handler a compile error. */
  private readonly handlers: {
    [N in ReservationJob]: (job: Job<ReservationJobs[N]>, token?: string) => Promise<string>;
  } = {
    [ReservationJob.Expire]: (job, token) => this.expire(job, token),
  };

  async process(job: Job<ExpireReservationPayload>, token?: string): Promise<string> {
    const handler = this.handlers[job.name as ReservationJob];
    if (!handler) throw new Error(`No handler for reservations job ${job.name}`);
    return handler(job, token);
  }

  private async expire(job: Job<ExpireReservationPayload>, token?: string): Promise<string> {
    const { reservationId } = job.data;
    const [expired] = await ReservationTransitions.expireDue(this.db, this.clock.now(), {
      id: reservationId,
    });
    if (expired) {
      this.logger.log({ reservation: reservationId }, 'Reservation expired');
      return 'expired';
    }
    const reservation = await this.db.getRepository(Reservation).findOneBy({ id: reservationId });
    const remaining = reservation ? reservation.expiryDate.getTime() - this.clock.nowMs() : 0;
    if (reservation && ['pending', 'active'].includes(reservation.status) && remaining > 0 && token) {
      // Woken early (the clocks disagree): wait for the rest.
      await job.moveToDelayed(Date.now() + remaining, token);
      throw new DelayedError();
    }
    return reservation ? `unchanged (${reservation.status})` : 'gone';
  }
}
