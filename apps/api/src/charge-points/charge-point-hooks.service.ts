import { Injectable, Logger } from '@nestjs/common';
import type { ChargePoint } from '@csms/domain';
import { GatewayControl } from '@csms/queues';

/**
 * What the charge point resource asks of the remote command path (api → BullMQ → gateway → charger).
 * Each hook is called after the change is committed; each returns whether a command was requested.
 * Until the command path implements them they only log, and the change takes effect at the charger's
 * next connection or boot.
 */
@Injectable()
export class ChargePointHooks {
  private readonly logger = new Logger('ChargePointHooks');

  constructor(private readonly control: GatewayControl) {}

  /**
   * A new charger password was stored. Push it to the connected charger: 1.6 ChangeConfiguration
   * `AuthorizationKey` (the password's bytes in hex), 2.0.1 SetVariables `SecurityCtrlr.BasicAuthPassword`.
   * The old password keeps working until the charger reconnects with the new one.
   */
  async pushPassword(chargePoint: ChargePoint, _password: string): Promise<boolean> {
    this.logger.log({ chargePointId: chargePoint.id }, 'Charger password rotated; push not available yet');
    return false;
  }

  /** A Pending charger was accepted: send TriggerMessage(BootNotification) so it boots into Accepted. */
  async registrationAccepted(chargePoint: ChargePoint): Promise<boolean> {
    this.logger.log({ chargePointId: chargePoint.id }, 'Charger accepted; boot trigger not available yet');
    return false;
  }

  /** A charger was decommissioned: whichever gateway node holds it closes its socket; it is refused at its next handshake. */
  async decommissioned(chargePoint: ChargePoint): Promise<boolean> {
    await this.control.publish({
      type: 'disconnect',
      chargePointId: chargePoint.id,
      reason: 'Charge point decommissioned',
    });
    return true;
  }
}
