import { writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { RunningApp, TestStack, createTestStack, startApi, startGateway } from './support/harness';
import {
  HappyPathContext,
  ocpp16ChargingSession,
  ocpp201ChargingSession,
  reservationRoundTrip,
} from './support/happy-paths';
import { aChargePoint, eventually } from './support/chargers';
import { SignedUp, bearer, createApiKey, signUp, uniqueEmail } from './support/session';

/**
 * Fuzzes every operation of the api from its own OpenAPI document (/docs-json), as the owner of an
 * organization holding data. Every case is invalid by construction: a missing required field, a value
 * of the wrong type, a string too long or with text Postgres cannot store, deep nesting, unknown
 * fields, ids that cannot exist, numbers and dates that cannot parse. Each must get a 4xx problem
 * details answer naming the field at fault, never a 5xx, and must change no row of any table (checked
 * with a row count and an md5 of every table before and after each operation's cases).
 *
 * FUZZ_REPORT=path writes the per-kind counts and any finding as JSON.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, any>;

interface Case {
  kind: string;
  method: string;
  path: string;
  query?: string;
  /** JSON text of the body; undefined sends none. */
  body?: string;
  /** The field the answer must name (body fields; path and query parameters by name). */
  field?: string;
  /** A GET whose filter may legitimately match nothing: 200 allowed, never 5xx. */
  allowOk?: boolean;
}

interface Finding {
  kind: string;
  request: string;
  status: number;
  problem: string;
}

const HUGE = 'x'.repeat(100_000);
/** Body fields holding the id of another resource (other `*_id` fields are OCPP or free text). */
const REFERENCES = new Set([
  'charge_point_id',
  'project_id',
  'site_owner_id',
  'driver_id',
  'session_id',
  'tariff_id',
]);
const DEPTH = 5000;
const nestedArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Valid text in itself: invalid only where the field has a format, an enum or a pattern. */
const UNICODE_TEXT: Record<string, string> = {
  emoji: '🔌⚡️👩🏽‍🔧',
  rtl: 'שלום عليكم',
  combining: 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
};
/** Text no column can hold as it is: must be refused, with the field named. */
const BAD_TEXT: Record<string, string> = {
  nul: 'abc\u0000def',
  lone_surrogate: 'abc\ud800def',
};

const BAD_PATH_IDS: Record<string, string> = {
  wrong_prefix: 'zzz_01HXYZ000000000000000000',
  sql: "1' OR '1'='1",
  long: 'a'.repeat(3000),
  unicode: encodeURIComponent('ид_💥'),
  nul: '%00',
  nul_suffix: 'cp_1%00',
  traversal: '..%2F..%2Fetc%2Fpasswd',
  negative: '-1',
  overflow: '1e309',
  huge_integer: '99999999999999999999',
  nan: 'NaN',
};

const BAD_NUMBERS = ['-1', '1e309', 'NaN', 'abc', '1.5', '99999999999999999999', '%00'];
const BAD_DATES = ['not-a-date', '2024-13-45T99:99:99Z', '1e309', '-1', '%00', '0000-00-00'];
const BAD_QUERY_TEXT = ["' OR 1=1 --", 'a'.repeat(3000), encodeURIComponent('💥ع'), '%00'];

function wrongTypes(schema: Schema, required: boolean): Array<[string, Json]> {
  const type = schema.type ?? (schema.$ref || schema.allOf ? 'object' : undefined);
  const all: Array<[string, Json]> = [
    ['number', 12345],
    ['string', 'fuzz'],
    ['boolean', true],
    ['array', ['fuzz']],
    ['object', { fuzz: 1 }],
  ];
  const out = all.filter(([t]) => t !== type && !(type === 'integer' && t === 'number'));
  if (schema.type === 'number' || schema.type === 'integer') out.push(['numeric_string', '12']);
  if (schema.enum) out.push(['not_in_enum', typeof schema.enum[0] === 'number' ? 987654 : 'not-a-choice']);
  if (required && !schema.nullable) out.push(['null', null]);
  return out.filter(([, value]) => !(schema.enum ?? []).includes(value));
}

describe('api fuzzing from the OpenAPI document', () => {
  let stack: TestStack;
  let api: RunningApp;
  let owner: SignedUp;
  let db: Client;
  let doc: Schema;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    stack = await createTestStack({
      RESERVATION_SWEEP_INTERVAL_SECONDS: '0',
      BILLING_SWEEP_INTERVAL_SECONDS: '0',
      COMMAND_SWEEP_INTERVAL_SECONDS: '0',
      OUTBOX_RECONCILE_INTERVAL_SECONDS: '0',
      COMMAND_WAIT_MS: '1000',
    });
    api = await startApi(stack);
    const gateway = await startGateway(stack);
    owner = await signUp(api);
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();

    // An organization that holds data: sessions, reservations, commands, tariffs, projects, drivers...
    const ctx: HappyPathContext = { api, gateway, owner, open: [] };
    await ocpp16ChargingSession(ctx);
    await ocpp201ChargingSession(ctx);
    await reservationRoundTrip(ctx);
    for (const client of ctx.open) await client.close({ force: true });
    await gateway.close();

    const post = async (path: string, body: object) => {
      const res = await api.http().post(path).set(bearer(owner.token)).send(body);
      if (res.status >= 300) throw new Error(`seeding ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const cp = await aChargePoint(api, owner.token, { ocpp_version: '1.6' });
    ids.charge_point = cp.id;
    await post(`/api/v1/charge-points/${cp.id}/evses`, { evse_id: 1, connectors: [{ connector_id: 1 }] });
    ids.tariff = (await post('/api/v1/tariffs', { name: 'Fuzz tariff', price_per_kwh: 0.3 })).id;
    await api
      .http()
      .put(`/api/v1/charge-points/${cp.id}/tariff`)
      .set(bearer(owner.token))
      .send({ tariff_id: ids.tariff });
    ids.project = (await post('/api/v1/projects', { name: 'Fuzz site' })).id;
    ids.driver = (
      await post('/api/v1/drivers', { email: uniqueEmail('driver'), first_name: 'Dee', last_name: 'Driver' })
    ).id;
    ids.id_tag = (await post('/api/v1/id-tags', { value: 'FUZZ-TAG-1', type: 'rfid' })).id;
    ids.invitation = (
      await post(`/api/v1/organizations/${owner.orgId}/invitations`, {
        email: uniqueEmail('invitee'),
        role: 'operator',
      })
    ).id;
    ids.site_owner_invitation = (
      await post(`/api/v1/organizations/${owner.orgId}/site-owners/invitations`, {
        email: uniqueEmail('siteowner'),
        project_ids: [ids.project],
      })
    ).id;
    ids.api_key = (await createApiKey(api, owner.token, ['read:charge_points'])).id;
    const sessions = await api.http().get('/api/v1/sessions').set(bearer(owner.token));
    ids.session = sessions.body.data[0].id;
    const reservations = await api.http().get('/api/v1/reservations').set(bearer(owner.token));
    ids.reservation = reservations.body.data[0].reservation_id;
    const commands = await api
      .http()
      .get(`/api/v1/charge-points/${reservations.body.data[0].charge_point_id}/commands`)
      .set(bearer(owner.token));
    ids.command = commands.body.data[0].id;
    ids.user = owner.userId;
    ids.org = owner.orgId;

    doc = (await api.http().get('/docs-json')).body;
    // Emails of the seeding leave the outbox; afterwards nothing moves on its own.
    await eventually(
      async () => JSON.stringify(await snapshot()) === JSON.stringify(await snapshot()),
      (stable) => stable,
      15_000,
    );
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await api?.close();
    await stack?.dispose();
  });

  /** Row count and md5 of the rows of every table (api_keys.last_used_at moves on any use of a key). */
  async function snapshot(): Promise<Record<string, string>> {
    const { rows: tables } = await db.query(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const out: Record<string, string> = {};
    for (const { table_name: table } of tables) {
      const row = table === 'api_keys' ? `(to_jsonb(t) - 'last_used_at')` : 'to_jsonb(t)';
      const { rows } = await db.query(
        `SELECT count(*)::int AS n, coalesce(md5(string_agg(${row}::text, '|' ORDER BY ${row}::text)), '') AS h
         FROM "${table}" t`,
      );
      out[table] = `${rows[0].n}:${rows[0].h}`;
    }
    return out;
  }

  const resolve = (schema: Schema | undefined): Schema => {
    if (!schema) return {};
    if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.split('/').pop()]);
    if (schema.allOf?.length === 1) return resolve(schema.allOf[0]);
    return schema;
  };

  /** An id of the seeded data for a path parameter, so each route is reached. */
  function realParam(name: string, path: string): string {
    if (name === 'org_id') return ids.org;
    if (name === 'evse_id' || name === 'connector_id') return '1';
    if (name === 'user_id') return ids.user;
    if (name === 'id' && path.includes('/charge-points/')) return ids.charge_point;
    if (name === 'id' && path.startsWith('/v1/members')) return ids.user;
    if (name === 'id' && path.startsWith('/v1/invitations')) return ids.invitation;
    const byName: Record<string, string> = {
      charge_point_id: ids.charge_point,
      key_id: ids.api_key,
      invitation_id: path.includes('site-owners') ? ids.site_owner_invitation : ids.invitation,
      project_id: ids.project,
      tariff_id: ids.tariff,
      tag_id: ids.id_tag,
      session_id: ids.session,
      reservation_id: ids.reservation,
      command_id: ids.command,
      driver_id: ids.driver,
      dispute_id: 'disp_01HXYZ000000000000000000',
      site_owner_id: 'so_01HXYZ000000000000000000',
      document_id: 'doc_01HXYZ000000000000000000',
      token: 'no-such-token',
    };
    return byName[name] ?? 'unknown';
  }

  /** A plausible value for a field, so that a case is invalid only where it says. */
  function plausible(name: string, schema: Schema, depth = 0): Json {
    const s = resolve(schema);
    if (REFERENCES.has(name) && s.type === 'string') return realParam(name, '');
    if (s.example !== undefined) return s.example;
    if (s.enum) return s.enum[0];
    if (s.default !== undefined) return s.default;
    switch (s.type) {
      case 'number':
      case 'integer':
        return s.minimum ?? 1;
      case 'boolean':
        return false;
      case 'array':
        return depth > 3 ? [] : [plausible(name, s.items ?? {}, depth + 1)];
      case 'object':
        return depth > 3 ? {} : baseBody(s, depth + 1);
      default:
        if (/email/.test(name)) return 'fuzz@example.com';
        if (/_at$|date|^from$|^to$/.test(name)) return new Date(Date.now() + 3600_000).toISOString();
        if (name.endsWith('_id')) return realParam(name, '');
        return 'fuzz value'
          .slice(0, Math.max(s.maxLength ?? 10, s.minLength ?? 1))
          .padEnd(s.minLength ?? 1, 'z');
    }
  }

  function baseBody(schema: Schema, depth = 0): { [key: string]: Json } {
    const s = resolve(schema);
    const body: { [key: string]: Json } = {};
    for (const [name, prop] of Object.entries<Schema>(s.properties ?? {}))
      body[name] = plausible(name, prop, depth);
    return body;
  }

  function bodyCases(method: string, path: string, schema: Schema): Case[] {
    const s = resolve(schema);
    const base = baseBody(s);
    const required: string[] = s.required ?? [];
    const props = Object.entries<Schema>(s.properties ?? {});
    const cases: Case[] = [];
    const add = (kind: string, body: string, field?: string) =>
      cases.push({ kind, method, path, body, field });
    const withField = (name: string, value: Json) => JSON.stringify({ ...base, [name]: value });
    const withRaw = (name: string, json: string) =>
      withField(name, '\u0001RAW').replace('"\\u0001RAW"', json);

    for (const name of required) {
      const { [name]: _omitted, ...rest } = base;
      add('missing_required', JSON.stringify(rest), name);
    }
    for (const [name, raw] of props) {
      const prop = resolve(raw);
      for (const [type, value] of wrongTypes(raw.type ? raw : prop, required.includes(name))) {
        add(`wrong_type_${type}`, withField(name, value), name);
      }
      if ((prop.type === 'number' || prop.type === 'integer') && !prop.enum) {
        add('huge_number', withField(name, 1e20), name);
        add('negative_huge_number', withField(name, -1e20), name);
      }
      const isText = (prop.type ?? 'string') === 'string' && !prop.enum;
      if (prop.type === 'string' || prop.enum) {
        // Refused as long as the field has a limit; an unbounded text field is a finding in itself.
        add('huge_string', withField(name, HUGE), name);
        for (const [kind, text] of Object.entries(BAD_TEXT))
          add(`unicode_${kind}`, withField(name, text), name);
        const constrained =
          prop.enum || prop.format || prop.pattern || /email|_at$|date/.test(name) || REFERENCES.has(name);
        for (const [kind, text] of Object.entries(UNICODE_TEXT)) {
          if (constrained) add(`unicode_${kind}`, withField(name, text), name);
          else if (isText)
            add(
              `unicode_${kind}_unknown_field`,
              JSON.stringify({ ...base, [name]: text, zz_unknown: 1 }),
              'zz_unknown',
            );
        }
        if (REFERENCES.has(name)) {
          add('bad_id_sql', withField(name, "x' OR '1'='1"));
          add('bad_id_wrong_prefix', withField(name, 'zzz_01HXYZ000000000000000000'));
          add('bad_id_long', withField(name, 'a'.repeat(5000)), name);
        }
      }
      if (prop.type === 'array') {
        add('array_of_wrong_items', withField(name, [null, 12345, 'fuzz', [], {}]), name);
        add('deep_nesting', withRaw(name, nestedArray(DEPTH)), name);
      }
      if (prop.type === 'object' || raw.$ref) {
        add('deep_nesting', withRaw(name, nestedObject(DEPTH)), name);
      }
    }
    add('unknown_field', JSON.stringify({ ...base, zz_unknown_field: 'x' }), 'zz_unknown_field');
    add(
      'prototype_pollution',
      JSON.stringify(base).replace(/^\{/, '{"__proto__":{"is_admin":true},'),
      '__proto__',
    );
    add('deep_nesting_body', nestedObject(DEPTH));
    add('deep_nesting_array_body', nestedArray(DEPTH));
    for (const value of ['null', '[]', '"text"', '12345', 'true']) add('not_an_object', value);
    add('invalid_json', '{"unterminated": ');
    add('invalid_json_nul', '{"a":"\u0000');
    return cases;
  }

  function paramCases(method: string, pathTemplate: string, params: Schema[], realPath: string): Case[] {
    const cases: Case[] = [];
    for (const param of params.filter((p) => p.in === 'path')) {
      for (const [kind, value] of Object.entries(BAD_PATH_IDS)) {
        const path = pathTemplate.replace(/\{(\w+)\}/g, (_m, name: string) =>
          name === param.name ? value : realParam(name, pathTemplate),
        );
        cases.push({
          kind: `path_${kind}`,
          method,
          path,
          body: method === 'get' || method === 'delete' ? undefined : '{}',
        });
      }
    }
    for (const param of params.filter((p) => p.in === 'query')) {
      const schema = resolve(param.schema);
      const values =
        schema.type === 'number' || schema.type === 'integer'
          ? BAD_NUMBERS.map((v) => ['number', v, true])
          : schema.enum
            ? [...BAD_QUERY_TEXT, 'not-a-choice'].map((v) => ['enum', v, true])
            : /^(from|to)$|_at$|date/.test(param.name)
              ? BAD_DATES.map((v) => ['date', v, true])
              : BAD_QUERY_TEXT.map((v) => ['text', v, v !== '%00']);
      for (const [kind, value, strict] of values as Array<[string, string, boolean]>) {
        cases.push({
          kind: `query_${kind}`,
          method,
          path: realPath,
          query: `${param.name}=${value}`,
          field: strict ? param.name : undefined,
          allowOk: !strict || (/_id$|^id_tag$|^q$|^value$|^action$/.test(param.name) && value !== '%00'),
          body: method === 'get' || method === 'delete' ? undefined : '{}',
        });
      }
      cases.push({
        kind: 'query_repeated',
        method,
        path: realPath,
        query: `${param.name}=1&${param.name}=2`,
        allowOk: true,
      });
    }
    return cases;
  }

  function allCases(): Array<{ operation: string; cases: Case[] }> {
    const out: Array<{ operation: string; cases: Case[] }> = [];
    for (const [template, operations] of Object.entries<Schema>(doc.paths)) {
      for (const [method, op] of Object.entries<Schema>(operations)) {
        if (template === '/api/v1/auth/logout') continue; // would end the owner's own session
        const params: Schema[] = op.parameters ?? [];
        const realPath = template.replace(/\{(\w+)\}/g, (_m, name: string) => realParam(name, template));
        const cases = paramCases(method, template, params, realPath);
        const schema = op.requestBody?.content?.['application/json']?.schema;
        if (schema?.oneOf && template.endsWith('/actions/{action}')) {
          const actions: string[] = params.find((p) => p.name === 'action')!.schema.enum;
          schema.oneOf.forEach((variant: Schema, i: number) =>
            cases.push(...bodyCases(method, realPath.replace(/[^/]+$/, actions[i]), variant)),
          );
        } else if (schema) {
          cases.push(...bodyCases(method, realPath, schema));
        }
        if (cases.length) out.push({ operation: `${method.toUpperCase()} ${template}`, cases });
      }
    }
    return out;
  }

  it(
    'answers every invalid case with 4xx problem details naming the field, and writes nothing',
    async () => {
      const counts: Record<string, number> = {};
      const findings: Finding[] = [];
      const writes: Array<{ operation: string; tables: string[] }> = [];
      let total = 0;
      const operations = allCases();

      for (const { operation, cases } of operations) {
        const before = await snapshot();
        for (const c of cases) {
          total += 1;
          counts[c.kind] = (counts[c.kind] ?? 0) + 1;
          const url = c.query ? `${c.path}?${c.query}` : c.path;
          let req = (api.http() as any)
            [c.method](url)
            .set(bearer(owner.token))
            .set('X-Organization-Id', owner.orgId);
          if (c.body !== undefined) req = req.set('Content-Type', 'application/json').send(c.body);
          const res = await req;
          const problem = (status: number, text: string) =>
            findings.push({
              kind: c.kind,
              request: `${c.method.toUpperCase()} ${url.slice(0, 160)} ${c.body?.slice(0, 160) ?? ''}`,
              status,
              problem: text,
            });
          if (res.status >= 500) {
            problem(res.status, `server error ${JSON.stringify(res.body).slice(0, 200)}`);
            continue;
          }
          if (res.status < 400) {
            if (!c.allowOk) problem(res.status, 'accepted an invalid request');
            continue;
          }
          if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? '') || !res.body.code) {
            problem(res.status, `not problem details: ${res.headers['content-type']}`);
            continue;
          }
          if (c.field && res.status === 400) {
            const named = (res.body.errors ?? []).some(
              (e: { field: string }) =>
                e.field === c.field || e.field.startsWith(`${c.field}.`) || e.field.startsWith(`${c.field}[`),
            );
            if (!named)
              problem(res.status, `field ${c.field} not named: ${JSON.stringify(res.body).slice(0, 200)}`);
          }
        }
        const after = await snapshot();
        const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
        if (changed.length) writes.push({ operation, tables: changed });
      }

      const report = { operations: operations.length, cases: total, counts, findings, writes };
      if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, JSON.stringify(report, null, 2));
      expect(total).toBeGreaterThan(3000);
      expect(findings).toEqual([]);
      expect(writes).toEqual([]);
    },
    30 * 60_000,
  );
});
