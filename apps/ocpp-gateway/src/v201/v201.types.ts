/** OCPP 2.0.1 messages the gateway answers (payloads are checked against the version's JSON schemas, ocpp-rpc's validators). */

export interface IdToken201 {
  idToken: string;
  type: string;
  additionalInfo?: Array<{ additionalIdToken: string; type: string }>;
}

export interface IdTokenInfo201 {
  status:
    | 'Accepted'
    | 'Blocked'
    | 'ConcurrentTx'
    | 'Expired'
    | 'Invalid'
    | 'NoCredit'
    | 'NotAllowedTypeEVSE'
    | 'NotAtThisLocation'
    | 'NotAtThisTime'
    | 'Unknown';
  cacheExpiryDateTime?: string;
}

export interface SampledValue201 {
  value: number;
  context?: string;
  measurand?: string;
  phase?: string;
  location?: string;
  unitOfMeasure?: { unit?: string; multiplier?: number };
}

export interface MeterValue201 {
  timestamp: string;
  sampledValue: SampledValue201[];
}

export interface BootNotificationRequest201 {
  chargingStation: {
    model: string;
    vendorName: string;
    serialNumber?: string;
    firmwareVersion?: string;
  };
  reason: string;
}

export interface BootNotificationResponse201 {
  currentTime: string;
  interval: number;
  status: 'Accepted' | 'Pending' | 'Rejected';
}

export interface StatusNotificationRequest201 {
  timestamp: string;
  connectorStatus: string;
  evseId: number;
  connectorId: number;
}

export interface EVSE201 {
  id: number;
  connectorId?: number;
}

export interface TransactionEventRequest201 {
  eventType: 'Started' | 'Updated' | 'Ended';
  timestamp: string;
  triggerReason: string;
  seqNo: number;
  offline?: boolean;
  numberOfPhasesUsed?: number;
  cableMaxCurrent?: number;
  reservationId?: number;
  transactionInfo: {
    transactionId: string;
    chargingState?: string;
    timeSpentCharging?: number;
    stoppedReason?: string;
    remoteStartId?: number;
  };
  idToken?: IdToken201;
  evse?: EVSE201;
  meterValue?: MeterValue201[];
}

export interface TransactionEventResponse201 {
  totalCost?: number;
  chargingPriority?: number;
  idTokenInfo?: IdTokenInfo201;
}

export interface MeterValuesRequest201 {
  evseId: number;
  meterValue: MeterValue201[];
}

export interface ReservationStatusUpdateRequest201 {
  reservationId: number;
  reservationUpdateStatus: 'Expired' | 'Removed';
}
