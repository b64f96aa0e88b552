import { Inject, Injectable, Module } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  TerminusModule,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { BACKENDS, BackendsInUse } from '../tokens';

/**
 * Readiness of the two services every app needs: the database and the queue backend (Redis, or
 * PostgreSQL in embedded mode), each named as it is in use; 503 with details when one is down.
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(BACKENDS) private readonly backends: BackendsInUse,
  ) {}

  check() {
    const { database, queues } = this.backends;
    return this.health.check([
      async () => {
        const result = await this.db.pingCheck('database', { timeout: 3000 });
        Object.assign(result.database, database);
        return result;
      },
      async () => {
        const indicator = this.indicators.check(queues.key);
        try {
          await Promise.race([
            queues.ping(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000).unref()),
          ]);
          return indicator.up(queues.details);
        } catch (err) {
          return indicator.down({ ...queues.details, message: (err as Error).message });
        }
      },
    ]);
  }
}

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  providers: [HealthService],
  exports: [HealthService],
})
export class HealthModule {}
