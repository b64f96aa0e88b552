import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Auth, AuthContext, Authenticated, Public } from '@csms/auth';
import { LoginDto } from './dto/login.dto';
import { MeResponse, SignupResponse, TokenResponse } from './dto/responses.dto';
import { SignupDto } from './dto/signup.dto';
import { IdentityService } from './identity.service';

@ApiTags('auth')
@Controller('api/v1')
export class IdentityController {
  constructor(private readonly identity: IdentityService) {}

  @Post('auth/signup')
  @Public()
  @ApiOperation({ summary: 'Create an account and its organization (you become the owner)' })
  @ApiCreatedResponse({ type: SignupResponse })
  @ApiConflictResponse({ description: '`email_taken`' })
  signup(@Body() dto: SignupDto): Promise<SignupResponse> {
    return this.identity.signup(dto);
  }

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password; returns a bearer token with its expiry' })
  @ApiOkResponse({ type: TokenResponse })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts; see Retry-After' })
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<TokenResponse> {
    return this.identity.login(dto.email, dto.password, ip);
  }

  @Post('auth/logout')
  @Authenticated({ principals: ['user'] })
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke the token of this request' })
  async logout(@Auth() auth: AuthContext): Promise<void> {
    await this.identity.logout(auth);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'The caller: user and memberships, or the API key and its scopes' })
  @ApiOkResponse({ type: MeResponse })
  me(@Auth() auth: AuthContext): Promise<MeResponse> {
    return this.identity.me(auth);
  }
}
