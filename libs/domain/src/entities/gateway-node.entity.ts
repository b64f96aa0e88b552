import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A live gateway node of the connection registry kept in Postgres (embedded mode); the node counts as
 * alive while `expires_at` is ahead, as its heartbeat key does in Redis.
 */
@Entity('gateway_nodes')
export class GatewayNode {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  nodeId: string;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;
}
