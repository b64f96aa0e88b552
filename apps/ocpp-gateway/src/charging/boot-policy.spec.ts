import { BOOT_RETRY_SECONDS, BOOT_STATUS, bootInterval } from './boot-policy';

describe('boot policy', () => {
  it('gives an accepted charger the heartbeat interval and the others the retry interval', () => {
    expect(bootInterval('accepted', 300)).toBe(300);
    expect(bootInterval('pending', 300)).toBe(BOOT_RETRY_SECONDS);
    expect(bootInterval('rejected', 300)).toBe(BOOT_RETRY_SECONDS);
  });

  it('answers the OCPP registration status of the stored one', () => {
    expect(BOOT_STATUS).toEqual({ accepted: 'Accepted', pending: 'Pending', rejected: 'Rejected' });
  });
});
