import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A named lock held until `expires_at` (periodic jobs run by one instance), in Postgres in embedded mode. */
@Entity('leases')
export class Lease {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;
}
