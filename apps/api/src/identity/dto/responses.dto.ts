import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class UserView {
  @ApiProperty({ example: 'usr_01HX8B4C3D5E6F7G8H9J0K1M2N' }) user_id: string;
  @ApiProperty() email: string;
  @ApiProperty() first_name: string;
  @ApiProperty() last_name: string;
  @ApiProperty({ example: 'Alice Chen' }) name: string;
  @ApiProperty({ enum: ['staff', 'driver', 'site_owner'] }) kind: string;
  @ApiProperty() created_at: string;
}

export class MembershipView {
  @ApiProperty() organization_id: string;
  @ApiProperty() organization_name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ enum: ['owner', 'admin', 'operator', 'member', 'billing', 'viewer'] }) role: string;
  @ApiProperty() joined_at: string;
}

export class TokenResponse {
  @ApiProperty({ description: 'Bearer token; shown once', example: 'csms_ut_...' }) token: string;
  @ApiProperty({ example: 'Bearer' }) token_type: string;
  @ApiProperty() expires_at: string;
  @ApiProperty({ type: UserView }) user: UserView;
}

export class SignupOrganizationView {
  @ApiProperty() id: string;
  @ApiProperty() organization_id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty() country: string;
  @ApiProperty() contact_email: string;
  @ApiProperty() created_at: string;
}

export class SignupResponse extends TokenResponse {
  @ApiProperty({ type: SignupOrganizationView }) organization: SignupOrganizationView;
}

export class ApiKeyIdentityView {
  @ApiProperty() id: string;
  @ApiProperty() organization_id: string;
  @ApiProperty({ type: [String] }) scopes: string[];
}

export class MeResponse {
  @ApiPropertyOptional({ type: UserView, description: 'Present when called with a user token' })
  user?: UserView;
  @ApiPropertyOptional({ type: [MembershipView] }) memberships?: MembershipView[];
  @ApiPropertyOptional({ type: ApiKeyIdentityView, description: 'Present when called with an API key' })
  api_key?: ApiKeyIdentityView;
}
