import { Module } from '@nestjs/common';
import { InvitationsModule } from '../invitations/invitations.module';
import { MembersModule } from '../members/members.module';
import { ManagementInvitationsController } from './management-invitations.controller';
import { ManagementMembersController } from './management-members.controller';

/** The Management API (/v1): controllers that map shapes onto the members and invitations services. */
@Module({
  imports: [MembersModule, InvitationsModule],
  controllers: [ManagementMembersController, ManagementInvitationsController],
})
export class ManagementModule {}
