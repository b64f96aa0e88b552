/**
 * The operator commands, in our version-neutral snake_case shapes, and the one mapper that turns each
 * into the OCPP 1.6 or 2.0.1 CALL of the charger. Pure functions: the api maps when it accepts a
 * command, a gateway re-maps when the charger reconnected speaking the other version.
 */
export type OcppVersion = '1.6' | '2.0.1';

export const COMMAND_ACTIONS = [
  'remote-start',
  'remote-stop',
  'reset',
  'unlock',
  'change-availability',
  'trigger-message',
  'get-configuration',
  'change-configuration',
  'get-variables',
  'set-variables',
  'data-transfer',
  'set-charging-profile',
  'clear-charging-profile',
  'get-composite-schedule',
  'update-firmware',
  'get-diagnostics',
  'get-log',
  'clear-cache',
  'send-local-list',
  'get-local-list-version',
  'get-base-report',
  'get-transaction-status',
] as const;
export type CommandAction = (typeof COMMAND_ACTIONS)[number];

/** The OCPP message of each action per version; a missing version means the action does not exist there. */
export const OCPP_ACTIONS: Record<CommandAction, Partial<Record<OcppVersion, string>>> = {
  'remote-start': { '1.6': 'RemoteStartTransaction', '2.0.1': 'RequestStartTransaction' },
  'remote-stop': { '1.6': 'RemoteStopTransaction', '2.0.1': 'RequestStopTransaction' },
  reset: { '1.6': 'Reset', '2.0.1': 'Reset' },
  unlock: { '1.6': 'UnlockConnector', '2.0.1': 'UnlockConnector' },
  'change-availability': { '1.6': 'ChangeAvailability', '2.0.1': 'ChangeAvailability' },
  'trigger-message': { '1.6': 'TriggerMessage', '2.0.1': 'TriggerMessage' },
  'get-configuration': { '1.6': 'GetConfiguration' },
  'change-configuration': { '1.6': 'ChangeConfiguration' },
  'get-variables': { '2.0.1': 'GetVariables' },
  'set-variables': { '2.0.1': 'SetVariables' },
  'data-transfer': { '1.6': 'DataTransfer', '2.0.1': 'DataTransfer' },
  'set-charging-profile': { '1.6': 'SetChargingProfile', '2.0.1': 'SetChargingProfile' },
  'clear-charging-profile': { '1.6': 'ClearChargingProfile', '2.0.1': 'ClearChargingProfile' },
  'get-composite-schedule': { '1.6': 'GetCompositeSchedule', '2.0.1': 'GetCompositeSchedule' },
  'update-firmware': { '1.6': 'UpdateFirmware', '2.0.1': 'UpdateFirmware' },
  'get-diagnostics': { '1.6': 'GetDiagnostics' },
  'get-log': { '2.0.1': 'GetLog' },
  'clear-cache': { '1.6': 'ClearCache', '2.0.1': 'ClearCache' },
  'send-local-list': { '1.6': 'SendLocalList', '2.0.1': 'SendLocalList' },
  'get-local-list-version': { '1.6': 'GetLocalListVersion', '2.0.1': 'GetLocalListVersion' },
  'get-base-report': { '2.0.1': 'GetBaseReport' },
  'get-transaction-status': { '2.0.1': 'GetTransactionStatus' },
};

export function isCommandAction(value: string): value is CommandAction {
  return (COMMAND_ACTIONS as readonly string[]).includes(value);
}

export function ocppActionFor(action: CommandAction, version: OcppVersion): string | undefined {
  return OCPP_ACTIONS[action][version];
}

export function versionsOf(action: CommandAction): OcppVersion[] {
  return Object.keys(OCPP_ACTIONS[action]) as OcppVersion[];
}

// ---- request shapes (the api's DTOs implement these) ----

export const ID_TOKEN_TYPES = [
  'Central',
  'eMAID',
  'ISO14443',
  'ISO15693',
  'KeyCode',
  'Local',
  'MacAddress',
  'NoAuthorization',
] as const;
export type IdTokenType = (typeof ID_TOKEN_TYPES)[number];

export const CHARGING_PROFILE_PURPOSES = [
  'charge_point_max',
  'tx_default',
  'tx',
  'external_constraints',
] as const;
export type ChargingProfilePurpose = (typeof CHARGING_PROFILE_PURPOSES)[number];

export interface SchedulePeriodRequest {
  start_period: number;
  limit: number;
  number_phases?: number;
}

export interface ChargingScheduleRequest {
  rate_unit: 'A' | 'W';
  periods: SchedulePeriodRequest[];
  duration?: number;
  start_schedule?: string;
  min_charging_rate?: number;
}

export interface ChargingProfileRequest {
  id: number;
  stack_level: number;
  purpose: ChargingProfilePurpose;
  kind: 'absolute' | 'recurring' | 'relative';
  recurrency_kind?: 'daily' | 'weekly';
  valid_from?: string;
  valid_to?: string;
  transaction_id?: string | number;
  schedule: ChargingScheduleRequest;
}

/** Where a command applies: `evse_id` (2.0.1; on 1.6 it is the connector, as a 1.6 connector is an EVSE) and `connector_id`. */
export interface TargetRequest {
  evse_id?: number;
  connector_id?: number;
}

export interface RemoteStartRequest extends TargetRequest {
  id_tag: string;
  id_token_type?: IdTokenType;
  remote_start_id?: number;
  charging_profile?: ChargingProfileRequest;
}
export interface RemoteStopRequest {
  session_id?: string;
  transaction_id?: string | number;
}
export interface ResetRequest {
  type: 'soft' | 'hard';
  evse_id?: number;
}
export type UnlockRequest = TargetRequest;
export interface ChangeAvailabilityRequest extends TargetRequest {
  availability: 'operative' | 'inoperative';
}
export interface TriggerMessageRequest extends TargetRequest {
  requested_message: string;
}
export interface GetConfigurationRequest {
  keys?: string[];
}
export interface ChangeConfigurationRequest {
  key: string;
  value: string;
}
export interface VariableRef {
  component: string;
  component_instance?: string;
  evse_id?: number;
  connector_id?: number;
  variable: string;
  variable_instance?: string;
  attribute_type?: 'Actual' | 'Target' | 'MinSet' | 'MaxSet';
}
export interface GetVariablesRequest {
  variables: VariableRef[];
}
export interface SetVariablesRequest {
  variables: Array<VariableRef & { value: string }>;
}
export interface DataTransferRequest {
  vendor_id: string;
  message_id?: string;
  data?: unknown;
}
export interface SetChargingProfileRequest extends TargetRequest {
  charging_profile: ChargingProfileRequest;
}
export interface ClearChargingProfileRequest extends TargetRequest {
  id?: number;
  purpose?: ChargingProfilePurpose;
  stack_level?: number;
}
export interface GetCompositeScheduleRequest extends TargetRequest {
  duration: number;
  rate_unit?: 'A' | 'W';
}
export interface UpdateFirmwareRequest {
  location: string;
  retrieve_at: string;
  install_at?: string;
  retries?: number;
  retry_interval?: number;
  request_id?: number;
  signing_certificate?: string;
  signature?: string;
}
export interface GetDiagnosticsRequest {
  location: string;
  start_time?: string;
  stop_time?: string;
  retries?: number;
  retry_interval?: number;
}
export interface GetLogRequest {
  location: string;
  log_type?: 'diagnostics' | 'security';
  request_id?: number;
  oldest_at?: string;
  latest_at?: string;
  retries?: number;
  retry_interval?: number;
}
export type ClearCacheRequest = Record<string, never>;
export const AUTHORIZATION_STATUSES = ['accepted', 'blocked', 'expired', 'invalid', 'concurrent_tx'] as const;
export interface LocalListEntryRequest {
  id_tag: string;
  id_token_type?: IdTokenType;
  /** Omitted in a differential update: removes the entry from the charger's list. */
  status?: (typeof AUTHORIZATION_STATUSES)[number];
  expires_at?: string;
  parent_id_tag?: string;
}
export interface SendLocalListRequest {
  version: number;
  update_type: 'full' | 'differential';
  entries?: LocalListEntryRequest[];
}
export type GetLocalListVersionRequest = Record<string, never>;
export interface GetBaseReportRequest {
  report_base: 'configuration_inventory' | 'full_inventory' | 'summary_inventory';
  request_id?: number;
}
export interface GetTransactionStatusRequest {
  session_id?: string;
  transaction_id?: string | number;
}

/** What the caller resolved before mapping: ids the mapper must not invent itself. */
export interface MappingContext {
  /** A positive int32 for 2.0.1 requestId / remoteStartId when the request gives none. */
  requestId: number;
  /** The charger's transaction id of `session_id` (remote-stop, get-transaction-status). */
  transactionId?: string | number;
}

/** A request that cannot be expressed in the charger's OCPP version; `field` is the offending field. */
export class CommandMappingError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface MappedCommand {
  ocppAction: string;
  payload: Record<string, unknown>;
}

// ---- the mapper ----

type Json = Record<string, unknown>;

/** Drops undefined members so payloads pass strict mode's additionalProperties checks cleanly. */
function compact<T extends Json>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

const pascal = (s: string) =>
  s
    .split('_')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');

function need<T>(value: T | undefined, field: string, version: OcppVersion): T {
  if (value === undefined || value === null) {
    throw new CommandMappingError(field, `${field} is required for OCPP ${version} charge points`);
  }
  return value;
}

function notOn(value: unknown, field: string, version: OcppVersion): void {
  if (value !== undefined) {
    throw new CommandMappingError(field, `${field} is not supported by OCPP ${version} charge points`);
  }
}

function maxLength(value: string | undefined, max: number, field: string, version: OcppVersion) {
  if (value !== undefined && value.length > max) {
    throw new CommandMappingError(
      field,
      `${field} must be at most ${max} characters for OCPP ${version} charge points`,
    );
  }
}

/** 1.6 addresses a connector; a version-neutral request may name it `evse_id`. */
function connector16(req: TargetRequest): number | undefined {
  return req.connector_id ?? req.evse_id;
}

/** 2.0.1 `evse` object: `{ id, connectorId? }`, or undefined for the whole station. */
function evse201(req: TargetRequest): Json | undefined {
  if (req.evse_id === undefined) {
    if (req.connector_id !== undefined) {
      throw new CommandMappingError(
        'evse_id',
        'evse_id is required with connector_id for OCPP 2.0.1 charge points',
      );
    }
    return undefined;
  }
  return compact({ id: req.evse_id, connectorId: req.connector_id });
}

function transactionId16(value: string | number | undefined, field: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (value === undefined || value === '' || !Number.isInteger(n)) {
    throw new CommandMappingError(field, `${field} must be an integer for OCPP 1.6 charge points`);
  }
  return n;
}

function transactionId201(value: string | number | undefined, field: string): string {
  if (value === undefined || value === '') {
    throw new CommandMappingError(field, `${field} is required`);
  }
  const s = String(value);
  maxLength(s, 36, field, '2.0.1');
  return s;
}

const PURPOSE_16: Partial<Record<ChargingProfilePurpose, string>> = {
  charge_point_max: 'ChargePointMaxProfile',
  tx_default: 'TxDefaultProfile',
  tx: 'TxProfile',
};
const PURPOSE_201: Record<ChargingProfilePurpose, string> = {
  charge_point_max: 'ChargingStationMaxProfile',
  tx_default: 'TxDefaultProfile',
  tx: 'TxProfile',
  external_constraints: 'ChargingStationExternalConstraints',
};

function purpose16(purpose: ChargingProfilePurpose, field: string): string {
  const value = PURPOSE_16[purpose];
  if (!value) throw new CommandMappingError(field, `${field} ${purpose} does not exist in OCPP 1.6`);
  return value;
}

const isTenth = (n: number) => Math.abs(Math.round(n * 10) - n * 10) < 1e-6;

function profile16(p: ChargingProfileRequest, field: string): Json {
  const s = p.schedule;
  s.periods.forEach((period, i) => {
    if (!isTenth(period.limit)) {
      throw new CommandMappingError(
        `${field}.schedule.periods.${i}.limit`,
        'limit must have at most one decimal for OCPP 1.6 charge points',
      );
    }
  });
  if (s.min_charging_rate !== undefined && !isTenth(s.min_charging_rate)) {
    throw new CommandMappingError(
      `${field}.schedule.min_charging_rate`,
      'min_charging_rate must have at most one decimal for OCPP 1.6 charge points',
    );
  }
  return compact({
    chargingProfileId: p.id,
    transactionId:
      p.transaction_id === undefined
        ? undefined
        : transactionId16(p.transaction_id, `${field}.transaction_id`),
    stackLevel: p.stack_level,
    chargingProfilePurpose: purpose16(p.purpose, `${field}.purpose`),
    chargingProfileKind: pascal(p.kind),
    recurrencyKind: p.recurrency_kind && pascal(p.recurrency_kind),
    validFrom: p.valid_from,
    validTo: p.valid_to,
    chargingSchedule: compact({
      duration: s.duration,
      startSchedule: s.start_schedule,
      chargingRateUnit: s.rate_unit,
      chargingSchedulePeriod: s.periods.map((period) =>
        compact({
          startPeriod: period.start_period,
          limit: period.limit,
          numberPhases: period.number_phases,
        }),
      ),
      minChargingRate: s.min_charging_rate,
    }),
  });
}

function profile201(p: ChargingProfileRequest, field: string): Json {
  const s = p.schedule;
  return compact({
    id: p.id,
    stackLevel: p.stack_level,
    chargingProfilePurpose: PURPOSE_201[p.purpose],
    chargingProfileKind: pascal(p.kind),
    recurrencyKind: p.recurrency_kind && pascal(p.recurrency_kind),
    validFrom: p.valid_from,
    validTo: p.valid_to,
    transactionId:
      p.transaction_id === undefined
        ? undefined
        : transactionId201(p.transaction_id, `${field}.transaction_id`),
    chargingSchedule: [
      compact({
        id: p.id,
        startSchedule: s.start_schedule,
        duration: s.duration,
        chargingRateUnit: s.rate_unit,
        chargingSchedulePeriod: s.periods.map((period) =>
          compact({
            startPeriod: period.start_period,
            limit: period.limit,
            numberPhases: period.number_phases,
          }),
        ),
        minChargingRate: s.min_charging_rate,
      }),
    ],
  });
}

function idToken201(value: string, type: IdTokenType | undefined, field: string): Json {
  maxLength(value, 36, field, '2.0.1');
  return { idToken: value, type: type ?? 'Central' };
}

function variable201(v: VariableRef): Json {
  return compact({
    attributeType: v.attribute_type,
    component: compact({
      name: v.component,
      instance: v.component_instance,
      evse: v.evse_id === undefined ? undefined : compact({ id: v.evse_id, connectorId: v.connector_id }),
    }),
    variable: compact({ name: v.variable, instance: v.variable_instance }),
  });
}

const TRIGGERS: Record<OcppVersion, readonly string[]> = {
  '1.6': [
    'BootNotification',
    'DiagnosticsStatusNotification',
    'FirmwareStatusNotification',
    'Heartbeat',
    'MeterValues',
    'StatusNotification',
  ],
  '2.0.1': [
    'BootNotification',
    'LogStatusNotification',
    'FirmwareStatusNotification',
    'Heartbeat',
    'MeterValues',
    'SignChargingStationCertificate',
    'SignV2GCertificate',
    'StatusNotification',
    'TransactionEvent',
    'SignCombinedCertificate',
    'PublishFirmwareStatusNotification',
  ],
};
export const TRIGGERABLE_MESSAGES = [...new Set([...TRIGGERS['1.6'], ...TRIGGERS['2.0.1']])];

type Mapper = (req: any, version: OcppVersion, ctx: MappingContext) => Json;

const MAPPERS: Record<CommandAction, Mapper> = {
  'remote-start': (r: RemoteStartRequest, v, ctx) => {
    if (v === '1.6') {
      maxLength(r.id_tag, 20, 'id_tag', v);
      notOn(r.remote_start_id, 'remote_start_id', v);
      return compact({
        connectorId: connector16(r),
        idTag: r.id_tag,
        chargingProfile: r.charging_profile && profile16(r.charging_profile, 'charging_profile'),
      });
    }
    return compact({
      evseId: r.evse_id,
      remoteStartId: r.remote_start_id ?? ctx.requestId,
      idToken: idToken201(r.id_tag, r.id_token_type, 'id_tag'),
      chargingProfile: r.charging_profile && profile201(r.charging_profile, 'charging_profile'),
    });
  },
  'remote-stop': (r: RemoteStopRequest, v, ctx) => {
    const tx = ctx.transactionId ?? r.transaction_id;
    const field = r.session_id !== undefined ? 'session_id' : 'transaction_id';
    return v === '1.6'
      ? { transactionId: transactionId16(tx, field) }
      : { transactionId: transactionId201(tx, field) };
  },
  reset: (r: ResetRequest, v) => {
    if (v === '1.6') {
      notOn(r.evse_id, 'evse_id', v);
      return { type: r.type === 'hard' ? 'Hard' : 'Soft' };
    }
    return compact({ type: r.type === 'hard' ? 'Immediate' : 'OnIdle', evseId: r.evse_id });
  },
  unlock: (r: UnlockRequest, v) =>
    v === '1.6'
      ? { connectorId: need(connector16(r), 'connector_id', v) }
      : { evseId: need(r.evse_id, 'evse_id', v), connectorId: r.connector_id ?? 1 },
  'change-availability': (r: ChangeAvailabilityRequest, v) =>
    v === '1.6'
      ? { connectorId: connector16(r) ?? 0, type: pascal(r.availability) }
      : compact({ operationalStatus: pascal(r.availability), evse: evse201(r) }),
  'trigger-message': (r: TriggerMessageRequest, v) => {
    if (!TRIGGERS[v].includes(r.requested_message)) {
      throw new CommandMappingError(
        'requested_message',
        `requested_message must be one of ${TRIGGERS[v].join(', ')} for OCPP ${v} charge points`,
      );
    }
    return v === '1.6'
      ? compact({ requestedMessage: r.requested_message, connectorId: connector16(r) })
      : compact({ requestedMessage: r.requested_message, evse: evse201(r) });
  },
  'get-configuration': (r: GetConfigurationRequest) =>
    r.keys && r.keys.length > 0 ? { key: [...r.keys] } : {},
  'change-configuration': (r: ChangeConfigurationRequest) => ({ key: r.key, value: r.value }),
  'get-variables': (r: GetVariablesRequest) => ({ getVariableData: r.variables.map(variable201) }),
  'set-variables': (r: SetVariablesRequest) => ({
    setVariableData: r.variables.map((v) => ({ ...variable201(v), attributeValue: v.value })),
  }),
  'data-transfer': (r: DataTransferRequest, v) =>
    compact({
      vendorId: r.vendor_id,
      messageId: r.message_id,
      data:
        v === '1.6' && r.data !== undefined && typeof r.data !== 'string' ? JSON.stringify(r.data) : r.data,
    }),
  'set-charging-profile': (r: SetChargingProfileRequest, v) =>
    v === '1.6'
      ? {
          connectorId: need(connector16(r), 'connector_id', v),
          csChargingProfiles: profile16(r.charging_profile, 'charging_profile'),
        }
      : {
          evseId: need(r.evse_id, 'evse_id', v),
          chargingProfile: profile201(r.charging_profile, 'charging_profile'),
        },
  'clear-charging-profile': (r: ClearChargingProfileRequest, v) => {
    if (v === '1.6') {
      return compact({
        id: r.id,
        connectorId: connector16(r),
        chargingProfilePurpose: r.purpose && purpose16(r.purpose, 'purpose'),
        stackLevel: r.stack_level,
      });
    }
    const criteria = compact({
      evseId: r.evse_id,
      chargingProfilePurpose: r.purpose && PURPOSE_201[r.purpose],
      stackLevel: r.stack_level,
    });
    return compact({
      chargingProfileId: r.id,
      chargingProfileCriteria: Object.keys(criteria).length ? criteria : undefined,
    });
  },
  'get-composite-schedule': (r: GetCompositeScheduleRequest, v) =>
    v === '1.6'
      ? compact({
          connectorId: need(connector16(r), 'connector_id', v),
          duration: r.duration,
          chargingRateUnit: r.rate_unit,
        })
      : compact({
          evseId: need(r.evse_id, 'evse_id', v),
          duration: r.duration,
          chargingRateUnit: r.rate_unit,
        }),
  'update-firmware': (r: UpdateFirmwareRequest, v, ctx) => {
    if (v === '1.6') {
      notOn(r.install_at, 'install_at', v);
      notOn(r.signature, 'signature', v);
      notOn(r.signing_certificate, 'signing_certificate', v);
      notOn(r.request_id, 'request_id', v);
      return compact({
        location: r.location,
        retrieveDate: r.retrieve_at,
        retries: r.retries,
        retryInterval: r.retry_interval,
      });
    }
    maxLength(r.location, 512, 'location', v);
    return compact({
      requestId: r.request_id ?? ctx.requestId,
      retries: r.retries,
      retryInterval: r.retry_interval,
      firmware: compact({
        location: r.location,
        retrieveDateTime: r.retrieve_at,
        installDateTime: r.install_at,
        signingCertificate: r.signing_certificate,
        signature: r.signature,
      }),
    });
  },
  'get-diagnostics': (r: GetDiagnosticsRequest) =>
    compact({
      location: r.location,
      retries: r.retries,
      retryInterval: r.retry_interval,
      startTime: r.start_time,
      stopTime: r.stop_time,
    }),
  'get-log': (r: GetLogRequest, v, ctx) => {
    maxLength(r.location, 512, 'location', v);
    return compact({
      logType: r.log_type === 'security' ? 'SecurityLog' : 'DiagnosticsLog',
      requestId: r.request_id ?? ctx.requestId,
      retries: r.retries,
      retryInterval: r.retry_interval,
      log: compact({
        remoteLocation: r.location,
        oldestTimestamp: r.oldest_at,
        latestTimestamp: r.latest_at,
      }),
    });
  },
  'clear-cache': () => ({}),
  'send-local-list': (r: SendLocalListRequest, v) => {
    const entries = r.entries ?? [];
    const status = (s: string) => (s === 'concurrent_tx' ? 'ConcurrentTx' : pascal(s));
    if (v === '1.6') {
      return compact({
        listVersion: r.version,
        updateType: pascal(r.update_type),
        localAuthorizationList: entries.map((e, i) => {
          maxLength(e.id_tag, 20, `entries.${i}.id_tag`, v);
          maxLength(e.parent_id_tag, 20, `entries.${i}.parent_id_tag`, v);
          return compact({
            idTag: e.id_tag,
            idTagInfo: e.status
              ? compact({ status: status(e.status), expiryDate: e.expires_at, parentIdTag: e.parent_id_tag })
              : undefined,
          });
        }),
      });
    }
    return compact({
      versionNumber: r.version,
      updateType: pascal(r.update_type),
      localAuthorizationList: entries.length
        ? entries.map((e, i) =>
            compact({
              idToken: idToken201(e.id_tag, e.id_token_type, `entries.${i}.id_tag`),
              idTokenInfo: e.status
                ? compact({
                    status: status(e.status),
                    cacheExpiryDateTime: e.expires_at,
                    groupIdToken:
                      e.parent_id_tag === undefined
                        ? undefined
                        : idToken201(e.parent_id_tag, 'Central', `entries.${i}.parent_id_tag`),
                  })
                : undefined,
            }),
          )
        : undefined,
    });
  },
  'get-local-list-version': () => ({}),
  'get-base-report': (r: GetBaseReportRequest, _v, ctx) => ({
    requestId: r.request_id ?? ctx.requestId,
    reportBase: pascal(r.report_base),
  }),
  'get-transaction-status': (r: GetTransactionStatusRequest, _v, ctx) => {
    const tx = ctx.transactionId ?? r.transaction_id;
    const field = r.session_id !== undefined ? 'session_id' : 'transaction_id';
    return tx === undefined ? {} : { transactionId: transactionId201(tx, field) };
  },
};

/**
 * Translates a validated request into the OCPP CALL of `version`. Throws CommandMappingError when
 * the request cannot be expressed there, or when the action does not exist in that version.
 */
export function toOcppCall(
  action: CommandAction,
  version: OcppVersion,
  request: object,
  ctx: MappingContext,
): MappedCommand {
  const ocppAction = ocppActionFor(action, version);
  if (!ocppAction) {
    throw new CommandMappingError('action', `${action} is not available for OCPP ${version} charge points`);
  }
  return { ocppAction, payload: MAPPERS[action](request, version, ctx) };
}

/** A fresh positive int32 for 2.0.1 requestId / remoteStartId. */
export function newOcppRequestId(): number {
  return 1 + Math.floor(Math.random() * 2_147_483_646);
}

// ---- calls the platform makes on its own behalf ----

/**
 * Pushes a new Basic-auth password to a charger: 1.6 ChangeConfiguration AuthorizationKey (the
 * password's bytes in hex, as OCPP 1.6 security profiles define it), 2.0.1 SetVariables
 * SecurityCtrlr.BasicAuthPassword.
 */
export function chargerPasswordCall(version: OcppVersion, password: string): MappedCommand {
  if (version === '1.6') {
    return {
      ocppAction: 'ChangeConfiguration',
      payload: { key: 'AuthorizationKey', value: Buffer.from(password, 'utf8').toString('hex') },
    };
  }
  return {
    ocppAction: 'SetVariables',
    payload: {
      setVariableData: [
        {
          component: { name: 'SecurityCtrlr' },
          variable: { name: 'BasicAuthPassword' },
          attributeValue: password,
        },
      ],
    },
  };
}

/** Asks a charger to send BootNotification again (e.g. once a Pending charger is accepted). */
export function bootNotificationTriggerCall(): MappedCommand {
  return { ocppAction: 'TriggerMessage', payload: { requestedMessage: 'BootNotification' } };
}

// ---- reservations (sent by the reservations module through the same outbox) ----

/** Our id tag types as 2.0.1 IdTokenEnumType. */
const TOKEN_TYPE_OF_TAG: Record<string, IdTokenType> = {
  rfid: 'ISO14443',
  iso15693: 'ISO15693',
  emaid: 'eMAID',
  key_code: 'KeyCode',
  local: 'Local',
  mac_address: 'MacAddress',
  no_authorization: 'NoAuthorization',
  central: 'Central',
  app: 'Central',
};

export function idTokenTypeOfTag(tagType: string | null | undefined): IdTokenType {
  return (tagType && TOKEN_TYPE_OF_TAG[tagType]) || 'Central';
}

export interface ReserveNowRequest {
  /** The OCPP reservation id (an int32 from the database sequence). */
  reservation_id: number;
  /** 1.6 connectorId; 2.0.1 evseId. */
  connector_id: number;
  expiry_date: Date;
  id_tag: string;
  /** 2.0.1 idToken type; Central by default. */
  id_token_type?: IdTokenType;
}

/** The longest id tag a charger of `version` takes (1.6 idTag CiString20, 2.0.1 idToken 36). */
export function idTagLimit(version: OcppVersion): number {
  return version === '1.6' ? 20 : 36;
}

/** ReserveNow: 1.6 connectorId/expiryDate/idTag/reservationId; 2.0.1 id/evseId/expiryDateTime/idToken. */
export function reserveNowCall(version: OcppVersion, req: ReserveNowRequest): MappedCommand {
  maxLength(req.id_tag, idTagLimit(version), 'id_tag', version);
  const expiry = req.expiry_date.toISOString();
  if (version === '1.6') {
    return {
      ocppAction: 'ReserveNow',
      payload: {
        connectorId: req.connector_id,
        expiryDate: expiry,
        idTag: req.id_tag,
        reservationId: req.reservation_id,
      },
    };
  }
  return {
    ocppAction: 'ReserveNow',
    payload: {
      id: req.reservation_id,
      expiryDateTime: expiry,
      evseId: req.connector_id,
      idToken: idToken201(req.id_tag, req.id_token_type, 'id_tag'),
    },
  };
}

/** CancelReservation: `reservationId` in both versions. */
export function cancelReservationCall(reservationId: number): MappedCommand {
  return { ocppAction: 'CancelReservation', payload: { reservationId } };
}
