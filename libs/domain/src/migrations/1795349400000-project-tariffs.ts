import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projects get a tariff. A session's tariff is resolved when it starts: the charge point's own, else
 * its project's, else the organization's default.
 */
export class ProjectTariffs1795349400000 implements MigrationInterface {
  name = 'ProjectTariffs1795349400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "projects" ADD "tariff_id" character varying(40)`);
    await queryRunner.query(`
          CREATE OR REPLACE FUNCTION charging_session_billing_defaults() RETURNS trigger AS $$
          BEGIN
            -- 2.0.1 events rewrite id_tag_id on every update: look up only when it really changes.
            IF NEW.id_tag_id IS NOT NULL AND NEW.driver_id IS NULL
               AND (TG_OP = 'INSERT' OR NEW.id_tag_id IS DISTINCT FROM OLD.id_tag_id) THEN
              SELECT driver_id INTO NEW.driver_id FROM id_tags WHERE id = NEW.id_tag_id;
            END IF;
            IF TG_OP = 'INSERT' AND NEW.tariff_snapshot IS NULL THEN
              SELECT jsonb_build_object(
                       'tariff_id', t.id, 'name', t.name,
                       'currency', o.settings->>'default_currency', 'timezone', o.settings->>'timezone'
                     ) || t.definition,
                     o.settings->>'default_currency'
                INTO NEW.tariff_snapshot, NEW.currency
                FROM organizations o
                LEFT JOIN charge_points cp ON cp.id = NEW.charge_point_id
                LEFT JOIN projects p ON p.id = cp.project_id
                LEFT JOIN tariffs t ON t.organization_id = o.id AND t.id = coalesce(
                  cp.tariff_id,
                  p.tariff_id,
                  (SELECT d.id FROM tariffs d WHERE d.organization_id = NEW.organization_id AND d.is_default))
               WHERE o.id = NEW.organization_id;
            END IF;
            RETURN NEW;
          END
          $$ LANGUAGE plpgsql`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
          CREATE OR REPLACE FUNCTION charging_session_billing_defaults() RETURNS trigger AS $$
          BEGIN
            IF NEW.id_tag_id IS NOT NULL AND NEW.driver_id IS NULL
               AND (TG_OP = 'INSERT' OR NEW.id_tag_id IS DISTINCT FROM OLD.id_tag_id) THEN
              SELECT driver_id INTO NEW.driver_id FROM id_tags WHERE id = NEW.id_tag_id;
            END IF;
            IF TG_OP = 'INSERT' AND NEW.tariff_snapshot IS NULL THEN
              SELECT jsonb_build_object(
                       'tariff_id', t.id, 'name', t.name,
                       'currency', o.settings->>'default_currency', 'timezone', o.settings->>'timezone'
                     ) || t.definition,
                     o.settings->>'default_currency'
                INTO NEW.tariff_snapshot, NEW.currency
                FROM organizations o
                LEFT JOIN charge_points cp ON cp.id = NEW.charge_point_id
                LEFT JOIN tariffs t ON t.organization_id = o.id AND t.id = coalesce(
                  cp.tariff_id,
                  (SELECT d.id FROM tariffs d WHERE d.organization_id = NEW.organization_id AND d.is_default))
               WHERE o.id = NEW.organization_id;
            END IF;
            RETURN NEW;
          END
          $$ LANGUAGE plpgsql`);
    await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "tariff_id"`);
  }
}
