import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { AuthenticationService } from './authentication.service';
import { CredentialCache } from './credential-cache';

/** Installs the global AuthGuard. Every route must be @Authenticated or @Public. */
@Global()
@Module({
  providers: [AuthenticationService, CredentialCache, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthenticationService],
})
export class AuthModule {}
