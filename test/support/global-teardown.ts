import { withAdmin } from './databases';

export default async function globalTeardown(): Promise<void> {
  const name = process.env.CSMS_TEST_TEMPLATE_DB;
  if (name) await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
