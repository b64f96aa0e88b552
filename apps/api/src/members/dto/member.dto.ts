import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ROLES, Role } from '@csms/domain';

export class UpdateMemberRoleDto {
  @ApiProperty({
    enum: ROLES,
    example: 'admin',
    description: 'Giving `owner` transfers ownership (owner only)',
  })
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role: Role;
}

export class MemberView {
  @ApiProperty({ example: 'usr_01HX8B4C3D5E6F7G8H9J0K1M2N' }) user_id: string;
  @ApiProperty({ example: 'mem_01HX8B4C3D5E6F7G8H9J0K1M2N' }) membership_id: string;
  @ApiProperty() email: string;
  @ApiProperty({ example: 'Alice Chen' }) name: string;
  @ApiProperty() first_name: string;
  @ApiProperty() last_name: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() joined_at: string;
}

export class MemberListView {
  @ApiProperty({ type: [MemberView] }) data: MemberView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
