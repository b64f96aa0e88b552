import { Injectable } from '@nestjs/common';
import { ChargerConnection as LiveConnection, ConnectionsService } from '../ocpp/connections.service';
import { ChargerConnection, ChargerConnections, ConnectedListener } from './charger-connections';

/** The command worker's view of this node's live chargers, over the OCPP module's ConnectionsService. */
@Injectable()
export class GatewayChargerConnections implements ChargerConnections {
  constructor(private readonly connections: ConnectionsService) {}

  get(chargePointId: string): ChargerConnection | undefined {
    const live = this.connections.connection(chargePointId);
    if (!live || live.client.state !== 1) return undefined;
    return {
      protocol: live.protocol,
      call: (method, params, options) => live.client.call(method, params, options),
    };
  }

  onConnected(listener: ConnectedListener): () => void {
    const handler = (connection: LiveConnection) => listener(connection.chargePointId);
    this.connections.on('registered', handler);
    return () => this.connections.off('registered', handler);
  }
}
