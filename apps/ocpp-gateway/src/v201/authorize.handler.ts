import { Injectable } from '@nestjs/common';
import { AuthorizationService } from '../charging/authorization.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';
import { idTokenInfo } from './id-token-info';
import type { IdToken201, IdTokenInfo201 } from './v201.types';

@Injectable()
@OcppAction('ocpp2.0.1', 'Authorize')
export class AuthorizeHandler201 implements OcppHandler<
  { idToken: IdToken201 },
  { idTokenInfo: IdTokenInfo201 }
> {
  constructor(private readonly auth: AuthorizationService) {}

  async handle(req: { idToken: IdToken201 }, ctx: OcppCallContext): Promise<{ idTokenInfo: IdTokenInfo201 }> {
    if (req.idToken.type === 'NoAuthorization') return { idTokenInfo: { status: 'Accepted' } };
    const authorization = await this.auth.authorize(ctx.connection.organizationId, req.idToken.idToken);
    return { idTokenInfo: idTokenInfo(authorization) };
  }
}
