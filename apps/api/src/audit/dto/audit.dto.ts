import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '@csms/common';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'member.role_changed', description: 'Only entries of this action' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]+\.[a-z_]+$/, { message: 'action must look like resource.verb, e.g. member.removed' })
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional({ description: 'Only entries by this user or API key id', example: 'usr_01HX...' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actor_id?: string;

  @ApiPropertyOptional({ enum: ['user', 'api_key', 'system'] })
  @IsOptional()
  @IsIn(['user', 'api_key', 'system'])
  actor_type?: string;
}

export class AuditActorView {
  @ApiProperty({ enum: ['user', 'api_key', 'system'] }) type: string;
  @ApiProperty({ nullable: true, type: String }) id: string | null;
}

export class AuditEntryView {
  @ApiProperty({ example: 'aud_01HX...' }) id: string;
  @ApiProperty() organization_id: string;
  @ApiProperty({ example: 'member.role_changed' }) action: string;
  @ApiProperty({ type: AuditActorView }) actor: AuditActorView;
  @ApiProperty({ example: 'member' }) resource_type: string;
  @ApiProperty({ nullable: true, type: String }) resource_id: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) before: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) after: Record<
    string,
    unknown
  > | null;
  @ApiProperty() created_at: string;
}

export class AuditPageView {
  @ApiProperty({ type: [AuditEntryView] }) data: AuditEntryView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
