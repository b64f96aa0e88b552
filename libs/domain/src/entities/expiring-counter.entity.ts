import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A counter that resets when its window ends (failed logins), kept in Postgres in embedded mode. */
@Entity('expiring_counters')
export class ExpiringCounter {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  key: string;

  @Column({ type: 'integer' })
  count: number;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;
}
