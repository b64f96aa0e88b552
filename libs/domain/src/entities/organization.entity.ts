import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export interface NotificationPreferences {
  alert_emails: boolean;
  weekly_report: boolean;
}

export interface OrganizationSettings {
  default_currency: string;
  timezone: string;
  billing_email: string | null;
  notification_preferences: NotificationPreferences;
  session_idle_timeout_minutes: number;
}

export const DEFAULT_ORGANIZATION_SETTINGS: OrganizationSettings = {
  default_currency: 'EUR',
  timezone: 'UTC',
  billing_email: null,
  notification_preferences: { alert_emails: true, weekly_report: false },
  session_idle_timeout_minutes: 0,
};

@Entity('organizations')
export class Organization {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  slug: string;

  @Column({ type: 'char', length: 2 })
  country: string;

  @Column({ type: 'varchar', length: 320 })
  contactEmail: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  address: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  taxId: string | null;

  @Column({ type: 'jsonb' })
  settings: OrganizationSettings;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
