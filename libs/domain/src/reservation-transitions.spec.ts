import { reservationIdOfPayload, reservationStatusOf } from './reservation-transitions';

describe('reservation outcome of a ReserveNow command', () => {
  const outcome = (
    state: any,
    response: Record<string, unknown> | null,
    errorCode: string | null = null,
  ) => ({
    state,
    response,
    errorCode,
  });

  it('is undecided while the command is queued or sent', () => {
    expect(reservationStatusOf(outcome('queued', null))).toBeNull();
    expect(reservationStatusOf(outcome('sent', null))).toBeNull();
  });

  it('is active when the charger accepted', () => {
    expect(reservationStatusOf(outcome('answered', { status: 'Accepted' }))).toEqual({
      status: 'active',
      reason: null,
    });
  });

  it.each(['Occupied', 'Faulted', 'Unavailable'])(
    'is rejected with the answer %s as the reason',
    (answer) => {
      expect(reservationStatusOf(outcome('answered', { status: answer }))).toEqual({
        status: 'rejected',
        reason: answer,
      });
    },
  );

  it('is rejected for Rejected, a CALLERROR, a timeout or an offline charger', () => {
    expect(reservationStatusOf(outcome('rejected', { status: 'Rejected' }))?.reason).toBe('Rejected');
    expect(reservationStatusOf(outcome('failed', null, 'NotImplemented'))?.reason).toBe('NotImplemented');
    expect(reservationStatusOf(outcome('timed_out', null, 'charger_timeout'))?.reason).toBe(
      'charger_timeout',
    );
    expect(reservationStatusOf(outcome('failed', null, null))?.reason).toBe('failed');
  });

  it('reads the reservation id of 1.6 and 2.0.1 payloads', () => {
    expect(reservationIdOfPayload({ reservationId: 7, connectorId: 1 })).toBe(7);
    expect(reservationIdOfPayload({ id: 8, evseId: 1 })).toBe(8);
    expect(reservationIdOfPayload({ requestedMessage: 'BootNotification' })).toBeNull();
  });
});
