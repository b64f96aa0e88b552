import {
  COMMAND_ACTIONS,
  CommandAction,
  CommandMappingError,
  OcppVersion,
  bootNotificationTriggerCall,
  cancelReservationCall,
  chargerPasswordCall,
  idTokenTypeOfTag,
  reserveNowCall,
  ocppActionFor,
  toOcppCall,
} from './command-actions';
import { ocppSchemaError } from './ocpp-schema';

const ctx = { requestId: 4242 };

const profile = {
  id: 7,
  stack_level: 1,
  purpose: 'tx_default' as const,
  kind: 'absolute' as const,
  schedule: { rate_unit: 'A' as const, periods: [{ start_period: 0, limit: 16.5, number_phases: 3 }] },
};

/** [action, version, request, context, expected OCPP payload] */
const CASES: Array<[CommandAction, OcppVersion, object, object, Record<string, unknown>]> = [
  [
    'remote-start',
    '1.6',
    { connector_id: 1, id_tag: 'TAG-1', charging_profile: { ...profile, purpose: 'tx' } },
    {},
    {
      connectorId: 1,
      idTag: 'TAG-1',
      chargingProfile: {
        chargingProfileId: 7,
        stackLevel: 1,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: {
          chargingRateUnit: 'A',
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 16.5, numberPhases: 3 }],
        },
      },
    },
  ],
  [
    'remote-start',
    '2.0.1',
    { evse_id: 2, id_tag: 'TOKEN-36-chars-allowed', id_token_type: 'ISO14443' },
    {},
    { evseId: 2, remoteStartId: 4242, idToken: { idToken: 'TOKEN-36-chars-allowed', type: 'ISO14443' } },
  ],
  ['remote-stop', '1.6', { transaction_id: '123' }, {}, { transactionId: 123 }],
  [
    'remote-stop',
    '2.0.1',
    { session_id: 'sess_x' },
    { transactionId: 'tx-abc' },
    { transactionId: 'tx-abc' },
  ],
  ['reset', '1.6', { type: 'hard' }, {}, { type: 'Hard' }],
  ['reset', '2.0.1', { type: 'soft', evse_id: 1 }, {}, { type: 'OnIdle', evseId: 1 }],
  ['unlock', '1.6', { connector_id: 2 }, {}, { connectorId: 2 }],
  ['unlock', '2.0.1', { evse_id: 1, connector_id: 1 }, {}, { evseId: 1, connectorId: 1 }],
  [
    'change-availability',
    '1.6',
    { availability: 'inoperative' },
    {},
    { connectorId: 0, type: 'Inoperative' },
  ],
  [
    'change-availability',
    '2.0.1',
    { availability: 'operative', evse_id: 1 },
    {},
    { operationalStatus: 'Operative', evse: { id: 1 } },
  ],
  [
    'trigger-message',
    '1.6',
    { requested_message: 'StatusNotification', connector_id: 1 },
    {},
    { requestedMessage: 'StatusNotification', connectorId: 1 },
  ],
  [
    'trigger-message',
    '2.0.1',
    { requested_message: 'BootNotification' },
    {},
    { requestedMessage: 'BootNotification' },
  ],
  ['get-configuration', '1.6', { keys: ['HeartbeatInterval'] }, {}, { key: ['HeartbeatInterval'] }],
  ['get-configuration', '1.6', {}, {}, {}],
  [
    'change-configuration',
    '1.6',
    { key: 'HeartbeatInterval', value: '60' },
    {},
    { key: 'HeartbeatInterval', value: '60' },
  ],
  [
    'get-variables',
    '2.0.1',
    { variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', evse_id: 1 }] },
    {},
    {
      getVariableData: [
        { component: { name: 'OCPPCommCtrlr', evse: { id: 1 } }, variable: { name: 'HeartbeatInterval' } },
      ],
    },
  ],
  [
    'set-variables',
    '2.0.1',
    {
      variables: [
        { component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '60', attribute_type: 'Actual' },
      ],
    },
    {},
    {
      setVariableData: [
        {
          attributeType: 'Actual',
          component: { name: 'OCPPCommCtrlr' },
          variable: { name: 'HeartbeatInterval' },
          attributeValue: '60',
        },
      ],
    },
  ],
  [
    'data-transfer',
    '1.6',
    { vendor_id: 'com.acme', message_id: 'Ping', data: { a: 1 } },
    {},
    { vendorId: 'com.acme', messageId: 'Ping', data: '{"a":1}' },
  ],
  [
    'data-transfer',
    '2.0.1',
    { vendor_id: 'com.acme', data: { a: 1 } },
    {},
    { vendorId: 'com.acme', data: { a: 1 } },
  ],
  [
    'set-charging-profile',
    '1.6',
    { connector_id: 0, charging_profile: { ...profile, purpose: 'charge_point_max' } },
    {},
    {
      connectorId: 0,
      csChargingProfiles: {
        chargingProfileId: 7,
        stackLevel: 1,
        chargingProfilePurpose: 'ChargePointMaxProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: {
          chargingRateUnit: 'A',
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 16.5, numberPhases: 3 }],
        },
      },
    },
  ],
  [
    'set-charging-profile',
    '2.0.1',
    { evse_id: 1, charging_profile: profile },
    {},
    {
      evseId: 1,
      chargingProfile: {
        id: 7,
        stackLevel: 1,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: [
          {
            id: 7,
            chargingRateUnit: 'A',
            chargingSchedulePeriod: [{ startPeriod: 0, limit: 16.5, numberPhases: 3 }],
          },
        ],
      },
    },
  ],
  [
    'clear-charging-profile',
    '1.6',
    { id: 7, purpose: 'tx_default' },
    {},
    { id: 7, chargingProfilePurpose: 'TxDefaultProfile' },
  ],
  [
    'clear-charging-profile',
    '2.0.1',
    { evse_id: 1, stack_level: 2 },
    {},
    { chargingProfileCriteria: { evseId: 1, stackLevel: 2 } },
  ],
  [
    'get-composite-schedule',
    '1.6',
    { connector_id: 1, duration: 3600, rate_unit: 'W' },
    {},
    { connectorId: 1, duration: 3600, chargingRateUnit: 'W' },
  ],
  ['get-composite-schedule', '2.0.1', { evse_id: 1, duration: 600 }, {}, { evseId: 1, duration: 600 }],
  [
    'update-firmware',
    '1.6',
    { location: 'https://fw.example.com/1.2.bin', retrieve_at: '2030-01-01T00:00:00.000Z', retries: 3 },
    {},
    { location: 'https://fw.example.com/1.2.bin', retrieveDate: '2030-01-01T00:00:00.000Z', retries: 3 },
  ],
  [
    'update-firmware',
    '2.0.1',
    { location: 'https://fw.example.com/1.2.bin', retrieve_at: '2030-01-01T00:00:00.000Z' },
    {},
    {
      requestId: 4242,
      firmware: { location: 'https://fw.example.com/1.2.bin', retrieveDateTime: '2030-01-01T00:00:00.000Z' },
    },
  ],
  [
    'get-diagnostics',
    '1.6',
    { location: 'ftp://logs.example.com/', start_time: '2030-01-01T00:00:00.000Z' },
    {},
    { location: 'ftp://logs.example.com/', startTime: '2030-01-01T00:00:00.000Z' },
  ],
  [
    'get-log',
    '2.0.1',
    { location: 'ftp://logs.example.com/', log_type: 'security' },
    {},
    { logType: 'SecurityLog', requestId: 4242, log: { remoteLocation: 'ftp://logs.example.com/' } },
  ],
  ['clear-cache', '1.6', {}, {}, {}],
  ['clear-cache', '2.0.1', {}, {}, {}],
  [
    'send-local-list',
    '1.6',
    {
      version: 3,
      update_type: 'differential',
      entries: [{ id_tag: 'TAG-1', status: 'accepted' }, { id_tag: 'TAG-2' }],
    },
    {},
    {
      listVersion: 3,
      updateType: 'Differential',
      localAuthorizationList: [{ idTag: 'TAG-1', idTagInfo: { status: 'Accepted' } }, { idTag: 'TAG-2' }],
    },
  ],
  [
    'send-local-list',
    '2.0.1',
    { version: 3, update_type: 'full', entries: [{ id_tag: 'TAG-1', status: 'concurrent_tx' }] },
    {},
    {
      versionNumber: 3,
      updateType: 'Full',
      localAuthorizationList: [
        { idToken: { idToken: 'TAG-1', type: 'Central' }, idTokenInfo: { status: 'ConcurrentTx' } },
      ],
    },
  ],
  [
    'send-local-list',
    '2.0.1',
    { version: 0, update_type: 'full' },
    {},
    { versionNumber: 0, updateType: 'Full' },
  ],
  ['get-local-list-version', '1.6', {}, {}, {}],
  ['get-local-list-version', '2.0.1', {}, {}, {}],
  [
    'get-base-report',
    '2.0.1',
    { report_base: 'full_inventory' },
    {},
    { requestId: 4242, reportBase: 'FullInventory' },
  ],
  ['get-transaction-status', '2.0.1', { transaction_id: 'tx-9' }, {}, { transactionId: 'tx-9' }],
  ['get-transaction-status', '2.0.1', {}, {}, {}],
];

describe('command mapper', () => {
  it('covers every action in at least one OCPP version', () => {
    const covered = new Set(CASES.map(([action]) => action));
    expect([...COMMAND_ACTIONS].filter((a) => !covered.has(a))).toEqual([]);
  });

  it.each(CASES)(
    'maps %s for OCPP %s to a strict-mode valid payload',
    (action, version, req, extra, expected) => {
      const { ocppAction, payload } = toOcppCall(action, version, req, { ...ctx, ...extra });
      expect(ocppAction).toBe(ocppActionFor(action, version));
      expect(payload).toEqual(expected);
      expect(ocppSchemaError(version, ocppAction, payload)).toBeNull();
    },
  );

  it.each([
    ['get-configuration', '2.0.1'],
    ['change-configuration', '2.0.1'],
    ['get-diagnostics', '2.0.1'],
    ['get-variables', '1.6'],
    ['set-variables', '1.6'],
    ['get-log', '1.6'],
    ['get-base-report', '1.6'],
    ['get-transaction-status', '1.6'],
  ] as Array<[CommandAction, OcppVersion]>)('refuses %s on an OCPP %s charger', (action, version) => {
    expect(() => toOcppCall(action, version, {}, ctx)).toThrow(CommandMappingError);
  });

  it.each([
    [
      'an idTag longer than 20 characters on 1.6',
      'remote-start',
      '1.6',
      { id_tag: 'x'.repeat(21) },
      'id_tag',
    ],
    [
      'a non-integer transaction id on 1.6',
      'remote-stop',
      '1.6',
      { transaction_id: 'abc' },
      'transaction_id',
    ],
    ['an evse_id on a 1.6 reset', 'reset', '1.6', { type: 'soft', evse_id: 1 }, 'evse_id'],
    ['a 2.0.1 unlock without evse_id', 'unlock', '2.0.1', { connector_id: 1 }, 'evse_id'],
    [
      'a trigger the version does not know',
      'trigger-message',
      '1.6',
      { requested_message: 'TransactionEvent' },
      'requested_message',
    ],
    [
      'a 1.6 limit with two decimals',
      'set-charging-profile',
      '1.6',
      {
        connector_id: 1,
        charging_profile: {
          ...profile,
          schedule: { rate_unit: 'A', periods: [{ start_period: 0, limit: 16.05 }] },
        },
      },
      'charging_profile.schedule.periods.0.limit',
    ],
    [
      'external constraints on 1.6',
      'clear-charging-profile',
      '1.6',
      { purpose: 'external_constraints' },
      'purpose',
    ],
  ] as Array<[string, CommandAction, OcppVersion, object, string]>)(
    'names the field for %s',
    (_label, action, version, req, field) => {
      let error: unknown;
      try {
        toOcppCall(action, version, req, ctx);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CommandMappingError);
      expect((error as CommandMappingError).field).toBe(field);
    },
  );
});

describe('platform calls', () => {
  it('pushes a charger password as hex AuthorizationKey on 1.6 and BasicAuthPassword on 2.0.1', () => {
    const v16 = chargerPasswordCall('1.6', 'abcdefghijklmnop');
    expect(v16).toEqual({
      ocppAction: 'ChangeConfiguration',
      payload: { key: 'AuthorizationKey', value: '6162636465666768696a6b6c6d6e6f70' },
    });
    expect(ocppSchemaError('1.6', v16.ocppAction, v16.payload)).toBeNull();
    const v201 = chargerPasswordCall('2.0.1', 'abcdefghijklmnop');
    expect(v201.payload).toEqual({
      setVariableData: [
        {
          component: { name: 'SecurityCtrlr' },
          variable: { name: 'BasicAuthPassword' },
          attributeValue: 'abcdefghijklmnop',
        },
      ],
    });
    expect(ocppSchemaError('2.0.1', v201.ocppAction, v201.payload)).toBeNull();
  });

  it('triggers a BootNotification in both versions', () => {
    const call = bootNotificationTriggerCall();
    expect(ocppSchemaError('1.6', call.ocppAction, call.payload)).toBeNull();
    expect(ocppSchemaError('2.0.1', call.ocppAction, call.payload)).toBeNull();
  });
});

describe('reservation calls', () => {
  const expiry = new Date('2030-01-20T16:00:00.000Z');

  it('maps ReserveNow to the 1.6 fields and passes the strict schema', () => {
    const call = reserveNowCall('1.6', {
      reservation_id: 17,
      connector_id: 2,
      expiry_date: expiry,
      id_tag: 'TAG-20-CHARACTERS-XX',
    });
    expect(call).toEqual({
      ocppAction: 'ReserveNow',
      payload: {
        connectorId: 2,
        expiryDate: '2030-01-20T16:00:00.000Z',
        idTag: 'TAG-20-CHARACTERS-XX',
        reservationId: 17,
      },
    });
    expect(ocppSchemaError('1.6', call.ocppAction, call.payload)).toBeNull();
  });

  it('maps ReserveNow to the 2.0.1 fields and passes the strict schema', () => {
    const call = reserveNowCall('2.0.1', {
      reservation_id: 17,
      connector_id: 1,
      expiry_date: expiry,
      id_tag: 'driver@example.com',
      id_token_type: idTokenTypeOfTag('rfid'),
    });
    expect(call.payload).toEqual({
      id: 17,
      evseId: 1,
      expiryDateTime: '2030-01-20T16:00:00.000Z',
      idToken: { idToken: 'driver@example.com', type: 'ISO14443' },
    });
    expect(ocppSchemaError('2.0.1', call.ocppAction, call.payload)).toBeNull();
  });

  it('refuses an id tag over the version limit, naming it', () => {
    const tag21 = 'x'.repeat(21);
    expect(() =>
      reserveNowCall('1.6', { reservation_id: 1, connector_id: 1, expiry_date: expiry, id_tag: tag21 }),
    ).toThrow('id_tag must be at most 20 characters for OCPP 1.6');
    expect(() =>
      reserveNowCall('2.0.1', {
        reservation_id: 1,
        connector_id: 1,
        expiry_date: expiry,
        id_tag: 'x'.repeat(37),
      }),
    ).toThrow('id_tag must be at most 36 characters for OCPP 2.0.1');
    expect(
      reserveNowCall('2.0.1', { reservation_id: 1, connector_id: 1, expiry_date: expiry, id_tag: tag21 })
        .payload,
    ).toMatchObject({ idToken: { idToken: tag21, type: 'Central' } });
  });

  it('maps CancelReservation for both versions', () => {
    const call = cancelReservationCall(17);
    expect(call).toEqual({ ocppAction: 'CancelReservation', payload: { reservationId: 17 } });
    expect(ocppSchemaError('1.6', call.ocppAction, call.payload)).toBeNull();
    expect(ocppSchemaError('2.0.1', call.ocppAction, call.payload)).toBeNull();
  });
});
