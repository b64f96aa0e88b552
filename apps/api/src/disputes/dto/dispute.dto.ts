import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { PageQueryDto } from '@csms/common';
import { DISPUTE_STATUSES } from '@csms/domain';

export class DisputeListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DISPUTE_STATUSES })
  @IsOptional()
  @IsIn(DISPUTE_STATUSES)
  status?: (typeof DISPUTE_STATUSES)[number];
}

export class ResolveDisputeDto {
  @ApiProperty({ enum: ['accepted', 'rejected'] })
  @IsIn(['accepted', 'rejected'])
  outcome: 'accepted' | 'rejected';

  @ApiPropertyOptional({ example: 1.5, description: 'Refund in major units (accepted disputes)' })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 3, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1_000_000)
  refund_amount?: number;

  @ApiProperty({ maxLength: 2000, example: 'Refunded the idle fee: the charger reported a fault.' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 2000)
  note: string;
}

export class DisputeView {
  @ApiProperty({ example: 'disp_01HXF8G7H6I5J4K3' }) dispute_id: string;
  @ApiProperty() session_id: string;
  @ApiProperty() driver_id: string;
  @ApiProperty({ enum: DISPUTE_STATUSES }) status: string;
  @ApiProperty() reason: string;
  @ApiProperty({ nullable: true, type: Number }) expected_cost: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The session total when disputed' })
  session_cost: number | null;
  @ApiProperty() currency: string;
  @ApiProperty({ nullable: true, type: Number }) refund_amount: number | null;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty({ nullable: true, type: String }) resolved_at: string | null;
}

export class DisputeListView {
  @ApiProperty({ type: [DisputeView] }) data: DisputeView[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}
