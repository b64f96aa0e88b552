import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { IsCountryCode } from '@csms/common';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class SignupDto {
  @ApiProperty({ example: 'alice@greenway.example.com' })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(320)
  email: string;

  @ApiProperty({ minLength: 12, maxLength: 200, example: 'correct horse battery staple' })
  @IsString()
  @Length(12, 200, { message: 'password must be between 12 and 200 characters' })
  password: string;

  @ApiProperty({ example: 'Alice' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  first_name: string;

  @ApiProperty({ example: 'Chen' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  last_name: string;

  @ApiProperty({
    example: 'Greenway Charging Ltd',
    description: 'Name of the organization provisioned for you',
  })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  organization_name: string;

  @ApiProperty({ example: 'GB', description: 'ISO 3166-1 alpha-2 country of the organization' })
  @IsCountryCode()
  country: string;
}
