import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A time-of-day window with its own prices (decimal strings, major units); `start` > `end` crosses midnight. */
export interface TariffWindowDefinition {
  name?: string;
  days?: number[];
  start: string;
  end: string;
  price_per_kwh?: string;
  price_per_hour?: string;
}

/** The priced components of a tariff. Money is kept as decimal strings in major units, never floats. */
export interface TariffDefinition {
  price_per_kwh: string;
  price_per_hour: string;
  session_fee: string;
  idle_fee_per_minute: string;
  idle_grace_minutes: number;
  min_price: string | null;
  max_price: string | null;
  tax_rate_percent: string;
  windows: TariffWindowDefinition[];
}

/**
 * A tariff of an organization, in the organization's currency. Sessions copy it (with currency and
 * timezone) when they start, so editing or deleting it never changes a past session's price.
 */
@Entity('tariffs')
@Index('tariffs_org_idx', ['organizationId', 'createdAt'])
@Index('tariffs_org_default_uq', ['organizationId'], { unique: true, where: 'is_default' })
export class Tariff {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'boolean', default: false })
  isDefault: boolean;

  @Column({ type: 'jsonb' })
  definition: TariffDefinition;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
