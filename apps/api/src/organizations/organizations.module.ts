import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { OrganizationProvisioningService } from './organization-provisioning.service';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [AuditModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsService, OrganizationProvisioningService],
  exports: [OrganizationsService, OrganizationProvisioningService],
})
export class OrganizationsModule {}
