import { Foundation1795343479236 } from './1795343479236-foundation';
import { ChargePoints1795343933446 } from './1795343933446-charge-points';
import { Organizations1795344178196 } from './1795344178196-organizations';
import { Gateway1795344184974 } from './1795344184974-gateway';
import { Commands1795345196503 } from './1795345196503-commands';
import { Reservations1795346563698 } from './1795346563698-reservations';
import { EmbeddedCoordination1795346943895 } from './1795346943895-embedded-coordination';
import { SiteOwners1795348602158 } from './1795348602158-site-owners';
import { Billing1795347158153 } from './1795347158153-billing';
import { ProjectTariffs1795349400000 } from './1795349400000-project-tariffs';
import { ChargePointListIndex1795353380475 } from './1795353380475-charge-point-list-index';
import { StatusHistoryRetries1795360320429 } from './1795360320429-status-history-retries';
import { SessionWriteIndexes1795364054991 } from './1795364054991-session-write-indexes';
import { MeterDedupDigest1795364321215 } from './1795364321215-meter-dedup-digest';
import { ChargePointCounts1795364742323 } from './1795364742323-charge-point-counts';
import { MeterValueSets1795381945667 } from './1795381945667-meter-value-sets';
import { SessionRegisterTail1795400000000 } from './1795400000000-session-register-tail';
import { HotUpdateRoom1795410000000 } from './1795410000000-hot-update-room';
import { MeterSessionIndex1795420000000 } from './1795420000000-meter-session-index';
import { MessageLogKey1795430000000 } from './1795430000000-message-log-key';
import { MeterValueLayouts1795440000000 } from './1795440000000-meter-value-layouts';

/** Every migration, in order. New migrations are appended here (generated with `npm run migration:generate`). */
export const MIGRATIONS: Function[] = [
  Foundation1795343479236,
  ChargePoints1795343933446,
  Organizations1795344178196,
  Gateway1795344184974,
  Commands1795345196503,
  Reservations1795346563698,
  EmbeddedCoordination1795346943895,
  Billing1795347158153,
  SiteOwners1795348602158,
  ProjectTariffs1795349400000,
  ChargePointListIndex1795353380475,
  StatusHistoryRetries1795360320429,
  SessionWriteIndexes1795364054991,
  MeterDedupDigest1795364321215,
  ChargePointCounts1795364742323,
  MeterValueSets1795381945667,
  SessionRegisterTail1795400000000,
  HotUpdateRoom1795410000000,
  MeterSessionIndex1795420000000,
  MessageLogKey1795430000000,
  MeterValueLayouts1795440000000,
];
