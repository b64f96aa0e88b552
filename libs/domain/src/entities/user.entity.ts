import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type UserKind = 'staff' | 'driver' | 'site_owner';

@Entity('users')
@Index('users_email_lower_key', { synchronize: false })
export class User {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  /** Stored as given; uniqueness is case-insensitive (unique index on lower(email)). */
  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Column({ type: 'varchar', length: 200, nullable: true, select: false })
  passwordHash: string | null;

  @Column({ type: 'varchar', length: 100 })
  firstName: string;

  @Column({ type: 'varchar', length: 100 })
  lastName: string;

  @Column({ type: 'varchar', length: 20, default: 'staff' })
  kind: UserKind;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  get name(): string {
    return `${this.firstName} ${this.lastName}`.trim();
  }
}
