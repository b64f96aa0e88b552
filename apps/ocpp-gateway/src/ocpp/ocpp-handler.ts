import { SetMetadata, Type } from '@nestjs/common';
import type { ChargerConnection, OcppProtocol } from './connections.service';

export interface OcppCallContext {
  connection: ChargerConnection;
  messageId: string;
  /** CSMS time the CALL arrived. */
  receivedAt: Date;
}

/** Answers one charger-initiated action of one OCPP version. */
export interface OcppHandler<Req = any, Res = any> {
  handle(request: Req, ctx: OcppCallContext): Promise<Res>;
}

export const OCPP_ACTION = 'csms:ocpp-action';

export interface OcppActionMetadata {
  protocol: OcppProtocol;
  action: string;
}

/** Marks a class as the handler of `action` for `protocol`. */
export const OcppAction = (protocol: OcppProtocol, action: string) =>
  SetMetadata<string, OcppActionMetadata>(OCPP_ACTION, { protocol, action });

export function actionOf(handler: Type<OcppHandler>): OcppActionMetadata {
  const meta = Reflect.getMetadata(OCPP_ACTION, handler) as OcppActionMetadata | undefined;
  if (!meta) throw new Error(`${handler.name} has no @OcppAction`);
  return meta;
}
