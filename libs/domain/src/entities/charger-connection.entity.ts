import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Which gateway node holds a charger's websocket, in the Postgres connection registry (embedded mode). */
@Entity('charger_connections')
@Index('charger_connections_node_idx', ['nodeId'])
export class ChargerConnection {
  @PrimaryColumn({ type: 'varchar', length: 48 })
  chargePointId: string;

  @Column({ type: 'varchar', length: 100 })
  nodeId: string;
}
