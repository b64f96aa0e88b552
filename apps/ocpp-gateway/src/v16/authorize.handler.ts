import { Injectable } from '@nestjs/common';
import { AuthorizationService } from '../charging/authorization.service';
import { OcppAction, OcppCallContext, OcppHandler } from '../ocpp/ocpp-handler';
import { idTagInfo } from './id-tag-info';
import type { AuthorizeRequest16, IdTagInfo16 } from './v16.types';

@Injectable()
@OcppAction('ocpp1.6', 'Authorize')
export class AuthorizeHandler16 implements OcppHandler<AuthorizeRequest16, { idTagInfo: IdTagInfo16 }> {
  constructor(private readonly auth: AuthorizationService) {}

  async handle(req: AuthorizeRequest16, ctx: OcppCallContext): Promise<{ idTagInfo: IdTagInfo16 }> {
    return { idTagInfo: idTagInfo(await this.auth.authorize(ctx.connection.organizationId, req.idTag)) };
  }
}
