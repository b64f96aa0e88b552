import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SiteOwner } from './site-owner.entity';

/** An uploaded file; the bytes live on disk under SITE_OWNER_DOCUMENTS_DIR as `storageName`. */
@Entity('site_owner_documents')
@Index('site_owner_documents_owner_idx', ['siteOwnerId', 'createdAt'])
export class SiteOwnerDocument {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  organizationId: string;

  @Column({ type: 'varchar', length: 40 })
  siteOwnerId: string;

  @ManyToOne(() => SiteOwner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'site_owner_id' })
  siteOwner?: SiteOwner;

  /** The name the uploader gave, for display only. */
  @Column({ type: 'varchar', length: 255 })
  fileName: string;

  /** Detected from the content, not from the name or the declared type. */
  @Column({ type: 'varchar', length: 50 })
  contentType: string;

  @Column({ type: 'int' })
  sizeBytes: number;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  /** Generated file name under the documents directory. */
  @Column({ type: 'varchar', length: 100 })
  storageName: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
