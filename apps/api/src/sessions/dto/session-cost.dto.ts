import { ApiProperty } from '@nestjs/swagger';

export class CostLineView {
  @ApiProperty({
    enum: ['energy', 'time', 'session_fee', 'idle_fee', 'minimum_adjustment', 'maximum_adjustment', 'tax'],
  })
  type: string;
  @ApiProperty({ example: 'Energy (Night)' }) description: string;
  @ApiProperty({ example: '12.345', description: 'Decimal string in `unit`' }) quantity: string;
  @ApiProperty({ enum: ['kWh', 'h', 'min', 'session', '%'] }) unit: string;
  @ApiProperty({ example: '0.30', description: 'Net price per unit (for tax: the taxed amount)' })
  unit_price: string;
  @ApiProperty({ example: 3.7, description: 'Major units of `currency`' }) amount: number;
  @ApiProperty({ example: 370, description: "Exact amount in the currency's minor unit" })
  amount_minor: number;
}

export class CostBreakdownView {
  @ApiProperty({ example: 'sess_01HXE7F6G5H4I3J2000000000A' }) session_id: string;
  @ApiProperty({ nullable: true, type: String, example: 'EUR' }) currency: string | null;
  @ApiProperty({ type: [CostLineView] }) lines: CostLineView[];
  @ApiProperty({ nullable: true, type: Number, description: 'Net, after minimum/maximum' }) subtotal:
    number | null;
  @ApiProperty({ nullable: true, type: Number }) tax: number | null;
  @ApiProperty({ nullable: true, type: Number }) total: number | null;
  @ApiProperty({ nullable: true, type: Number }) total_minor: number | null;
  @ApiProperty({ description: 'An open session: the cost so far' }) estimate: boolean;
  @ApiProperty({ description: 'Priced, but flagged by integrity rules for a person to check' })
  needs_review: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'The tariff copied at the session start' })
  tariff_id: string | null;
  @ApiProperty({ nullable: true, type: String }) tariff_name: string | null;
}
