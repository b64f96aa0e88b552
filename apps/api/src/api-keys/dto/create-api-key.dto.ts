import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, Length } from 'class-validator';
import { SCOPES } from '@csms/auth';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Production Backend', maxLength: 100 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({
    type: [String],
    enum: SCOPES,
    example: ['read:charge_points', 'write:charge_points', 'read:billing'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCOPES.length)
  @IsIn(SCOPES, { each: true, message: `scopes must contain only known scopes: ${SCOPES.join(', ')}` })
  scopes: string[];
}
