import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated, Public } from '@csms/auth';
import {
  AcceptSiteOwnerInvitationDto,
  AcceptedSiteOwnerInvitationView,
  BankDetailsDto,
  DocumentView,
  OnboardingStatusView,
  SiteOwnerProfileDto,
  SiteOwnerProfileView,
  SiteOwnerProjectListView,
  UploadDocumentDto,
} from './dto/site-owner.dto';
import { SiteOwnerInvitationsService } from './site-owner-invitations.service';
import { SiteOwnersService, UploadedDocument } from './site-owners.service';
import { UploadErrorsInterceptor } from './upload-errors.interceptor';

const SITE_OWNER_ONLY = { principals: ['user' as const], userKinds: ['site_owner' as const] };

/** The site owner's own API: everything is found from the signed-in user, never from an id in the path. */
@ApiTags('site-owner')
@Controller('api/v1/site-owner')
export class SiteOwnerController {
  constructor(
    private readonly invitations: SiteOwnerInvitationsService,
    private readonly siteOwners: SiteOwnersService,
  ) {}

  @Post('accept-invitation/:token')
  @Public({ optionalAuth: true })
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Accept a site owner invitation: signed in (same email), or with first_name, last_name and password to create the account',
  })
  @ApiOkResponse({ type: AcceptedSiteOwnerInvitationView })
  @ApiNotFoundResponse({ description: 'Unknown token' })
  @ApiConflictResponse({
    description: '`invitation_already_used`, `invitation_revoked`, `email_taken`, `account_not_site_owner`',
  })
  @ApiGoneResponse({ description: '`invitation_expired`' })
  accept(
    @Auth() auth: AuthContext | undefined,
    @Param('token') token: string,
    @Body() dto: AcceptSiteOwnerInvitationDto,
  ): Promise<AcceptedSiteOwnerInvitationView> {
    return this.invitations.accept(auth, {
      token,
      firstName: dto.first_name,
      lastName: dto.last_name,
      password: dto.password,
    });
  }

  @Get('profile')
  @Authenticated(SITE_OWNER_ONLY)
  @ApiOperation({ summary: 'Profile and account details of the signed-in site owner' })
  @ApiOkResponse({ type: SiteOwnerProfileView })
  profile(@Auth() auth: AuthContext): Promise<SiteOwnerProfileView> {
    return this.siteOwners.profile(auth);
  }

  @Put('profile')
  @Authenticated(SITE_OWNER_ONLY)
  @ApiOperation({ summary: 'Onboarding step 1: company, contact, address and tax id' })
  @ApiOkResponse({ type: SiteOwnerProfileView })
  @ApiConflictResponse({ description: '`onboarding_submitted`' })
  updateProfile(@Auth() auth: AuthContext, @Body() dto: SiteOwnerProfileDto): Promise<SiteOwnerProfileView> {
    return this.siteOwners.updateProfile(auth, dto);
  }

  @Put('bank-details')
  @Authenticated(SITE_OWNER_ONLY)
  @ApiOperation({
    summary:
      'Onboarding step 2: IBAN (checksum-validated; only its last 4 characters are shown) and account holder',
  })
  @ApiOkResponse({ type: SiteOwnerProfileView })
  @ApiConflictResponse({ description: '`onboarding_step_out_of_order`, `onboarding_submitted`' })
  updateBankDetails(@Auth() auth: AuthContext, @Body() dto: BankDetailsDto): Promise<SiteOwnerProfileView> {
    return this.siteOwners.updateBankDetails(auth, dto);
  }

  @Post('documents')
  @Authenticated(SITE_OWNER_ONLY)
  @UseInterceptors(UploadErrorsInterceptor, FileInterceptor('file'))
  @ApiOperation({ summary: 'Onboarding step 3: upload a document (PDF, JPEG or PNG, checked by content)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadDocumentDto })
  @ApiCreatedResponse({ type: DocumentView })
  @ApiConflictResponse({ description: '`onboarding_step_out_of_order`, `onboarding_submitted`' })
  @ApiPayloadTooLargeResponse({ description: '`document_too_large`' })
  @ApiUnprocessableEntityResponse({ description: '`unsupported_document_type`' })
  uploadDocument(
    @Auth() auth: AuthContext,
    @UploadedFile() file: UploadedDocument | undefined,
  ): Promise<DocumentView> {
    return this.siteOwners.uploadDocument(auth, file);
  }

  @Get('onboarding/status')
  @Authenticated(SITE_OWNER_ONLY)
  @ApiOperation({ summary: 'Current stage of the onboarding, with completed and pending steps' })
  @ApiOkResponse({ type: OnboardingStatusView })
  status(@Auth() auth: AuthContext): Promise<OnboardingStatusView> {
    return this.siteOwners.status(auth);
  }

  @Post('onboarding/complete')
  @Authenticated(SITE_OWNER_ONLY)
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit the onboarding for approval; the operator is notified by email' })
  @ApiOkResponse({ type: OnboardingStatusView })
  @ApiConflictResponse({ description: '`onboarding_incomplete` with `missing_steps`' })
  complete(@Auth() auth: AuthContext): Promise<OnboardingStatusView> {
    return this.siteOwners.complete(auth);
  }

  @Get('projects')
  @Authenticated(SITE_OWNER_ONLY)
  @ApiOperation({ summary: 'The projects this site owner hosts' })
  @ApiOkResponse({ type: SiteOwnerProjectListView })
  projects(@Auth() auth: AuthContext): Promise<SiteOwnerProjectListView> {
    return this.siteOwners.myProjects(auth);
  }
}
