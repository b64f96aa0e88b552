import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { IdentityController } from './identity.controller';
import { IdentityService } from './identity.service';
import { LoginLimiterService } from './login-limiter.service';

@Module({
  imports: [OrganizationsModule],
  controllers: [IdentityController],
  providers: [IdentityService, LoginLimiterService],
  exports: [IdentityService],
})
export class IdentityModule {}
