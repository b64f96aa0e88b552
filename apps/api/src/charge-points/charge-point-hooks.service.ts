import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig, Clock } from '@csms/common';
import type { ChargePoint } from '@csms/domain';
import { GatewayControl } from '@csms/queues';
import { CommandsService } from '../commands/commands.service';

/**
 * What the charge point resource asks of the remote command path (api → BullMQ → gateway → charger).
 * Each hook is called after the change is committed and returns whether a command was requested; a
 * failure to request one is logged, never undoes the change.
 */
@Injectable()
export class ChargePointHooks {
  private readonly logger = new Logger('ChargePointHooks');

  constructor(
    private readonly control: GatewayControl,
    private readonly commands: CommandsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A new charger password was stored. Push it to the charger: 1.6 ChangeConfiguration `AuthorizationKey`
   * (the password's bytes in hex), 2.0.1 SetVariables `SecurityCtrlr.BasicAuthPassword`. Kept until the
   * charger reconnects if it drops meanwhile; the old password keeps working until it uses the new one.
   */
  async pushPassword(chargePoint: ChargePoint, password: string): Promise<boolean> {
    try {
      await this.commands.pushChargerPassword(chargePoint.organizationId, chargePoint.id, password, {
        queueUntil: new Date(this.clock.nowMs() + this.config.commands.maxQueueSeconds * 1000),
      });
      return true;
    } catch (err) {
      this.logger.warn({ err, chargePointId: chargePoint.id }, 'Could not request the password push');
      return false;
    }
  }

  /** A Pending charger was accepted: send TriggerMessage(BootNotification) so it boots into Accepted. */
  async registrationAccepted(chargePoint: ChargePoint): Promise<boolean> {
    try {
      await this.commands.triggerBootNotification(chargePoint.organizationId, chargePoint.id);
      return true;
    } catch (err) {
      // Offline: it boots (and is answered Accepted) at its next connection anyway.
      this.logger.log(
        { chargePointId: chargePoint.id, reason: (err as Error).message },
        'No boot trigger sent',
      );
      return false;
    }
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
