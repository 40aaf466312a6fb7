// Login/Text key negotiation (RFC 7143 6.2, 13): the table of keys with their defaults, ranges and
// result functions, and a Negotiator that plays either role (originator of offers or responder)
// for either side (initiator or target) and produces the negotiated session parameters.
import type { TextPair } from './text';

export type Role = 'initiator' | 'target';
export type SessionType = 'Normal' | 'Discovery';
export type DigestName = 'None' | 'CRC32C';

/** How the outcome of a key is computed (RFC 7143 6.2.2). */
export type KeyRule =
  | 'min'
  | 'max'
  | 'and'
  | 'or'
  | 'list'
  /** Each side declares its own value; no answer (MaxRecvDataSegmentLength, names). */
  | 'declarative'
  /** Obsolete marker interval keys: always answered Irrelevant (markers are never enabled). */
  | 'marker-interval';

export interface KeyDefinition {
  readonly name: string;
  readonly type: 'numeric' | 'boolean' | 'list' | 'text';
  readonly rule: KeyRule;
  readonly scope: 'connection' | 'session';
  /** Login stage(s) where the key belongs; 'leading' keys only in a leading login. */
  readonly phase: 'security' | 'operational' | 'leading' | 'any';
  /** Which side may send it unprompted. */
  readonly sender: Role | 'both';
  readonly default?: string;
  readonly min?: number;
  readonly max?: number;
  /** Values a list key may take. */
  readonly values?: readonly string[];
  /** Whether the key matters in a discovery session (else it is answered Irrelevant there). */
  readonly discovery: boolean;
}

const MAX_24 = 16777215;

/** Where a key belongs and who sends it. */
type Placement = Pick<KeyDefinition, 'scope' | 'phase' | 'sender' | 'discovery'>;

function at(
  scope: KeyDefinition['scope'],
  phase: KeyDefinition['phase'],
  sender: KeyDefinition['sender'],
  discovery = true,
): Placement {
  return { scope, phase, sender, discovery };
}

/** Session-wide, leading login only, offered by either side, Irrelevant in a discovery session. */
const LEADING = at('session', 'leading', 'both', false);
/** As LEADING, but meaningful in a discovery session too. */
const LEADING_ANY_SESSION = at('session', 'leading', 'both');
/** Per connection, operational stage, offered by either side. */
const CONNECTION = at('connection', 'operational', 'both');
/** Session-wide, leading login only, declared by the initiator. */
const INITIATOR_LEADING = at('session', 'leading', 'initiator');

function key(
  name: string,
  type: KeyDefinition['type'],
  rule: KeyRule,
  where: Placement,
  value: Pick<KeyDefinition, 'default' | 'min' | 'max' | 'values'>,
): KeyDefinition {
  return {
    name,
    type,
    rule,
    scope: where.scope,
    phase: where.phase,
    sender: where.sender,
    ...value,
    discovery: where.discovery,
  };
}

/** A numeric key (RFC 7143 6.1.2) with its range and default, if it has one. */
function numericKey(
  name: string,
  rule: KeyRule,
  dflt: string | undefined,
  min: number,
  max: number,
  where: Placement,
): KeyDefinition {
  return key(name, 'numeric', rule, where, dflt === undefined ? { min, max } : { default: dflt, min, max });
}

/** A Yes/No key (RFC 7143 6.2.2: result function AND or OR). */
function booleanKey(name: string, rule: 'and' | 'or', dflt: 'Yes' | 'No', where: Placement): KeyDefinition {
  return key(name, 'boolean', rule, where, { default: dflt });
}

/** A key whose value is a list of choices (RFC 7143 6.2.1). */
function listKey(
  name: string,
  rule: KeyRule,
  dflt: string,
  values: readonly string[],
  where: Placement,
): KeyDefinition {
  return key(name, 'list', rule, where, { default: dflt, values });
}

/** A text key: declared names and addresses (no default) or the obsolete marker intervals. */
function textKey(
  name: string,
  where: Placement,
  rule: KeyRule = 'declarative',
  dflt?: string,
): KeyDefinition {
  return key(name, 'text', rule, where, dflt === undefined ? {} : { default: dflt });
}

const AUTH_METHODS = ['None', 'CHAP', 'KRB5', 'SRP', 'SPKM1', 'SPKM2'];

// RFC 7143 section 13, in this order (the order of KEYS).
const table: KeyDefinition[] = [
  listKey('AuthMethod', 'list', 'None', AUTH_METHODS, at('connection', 'security', 'initiator')),
  listKey('HeaderDigest', 'list', 'None', ['None', 'CRC32C'], CONNECTION),
  listKey('DataDigest', 'list', 'None', ['None', 'CRC32C'], CONNECTION),
  numericKey('MaxConnections', 'min', '1', 1, 65535, LEADING),
  textKey('TargetName', LEADING_ANY_SESSION),
  textKey('InitiatorName', INITIATOR_LEADING),
  textKey('TargetAlias', at('session', 'any', 'target')),
  textKey('InitiatorAlias', at('session', 'any', 'initiator')),
  textKey('TargetAddress', at('session', 'any', 'target')),
  numericKey('TargetPortalGroupTag', 'declarative', undefined, 0, 65535, at('session', 'leading', 'target')),
  booleanKey('InitialR2T', 'or', 'Yes', LEADING),
  booleanKey('ImmediateData', 'and', 'Yes', LEADING),
  numericKey('MaxRecvDataSegmentLength', 'declarative', '8192', 512, MAX_24, at('connection', 'any', 'both')),
  numericKey('MaxBurstLength', 'min', '262144', 512, MAX_24, LEADING),
  numericKey('FirstBurstLength', 'min', '65536', 512, MAX_24, LEADING),
  numericKey('DefaultTime2Wait', 'max', '2', 0, 3600, LEADING_ANY_SESSION),
  numericKey('DefaultTime2Retain', 'min', '20', 0, 3600, LEADING_ANY_SESSION),
  numericKey('MaxOutstandingR2T', 'min', '1', 1, 65535, LEADING),
  booleanKey('DataPDUInOrder', 'or', 'Yes', LEADING),
  booleanKey('DataSequenceInOrder', 'or', 'Yes', LEADING),
  numericKey('ErrorRecoveryLevel', 'min', '0', 0, 2, LEADING_ANY_SESSION),
  listKey('SessionType', 'declarative', 'Normal', ['Discovery', 'Normal'], INITIATOR_LEADING),
  // RFC 7143 13.23: TaskReporting (list, default RFC3720).
  listKey('TaskReporting', 'list', 'RFC3720', ['RFC3720', 'ResponseFence', 'FastAbort'], LEADING),
  // RFC 7144 2.1: iSCSIProtocolLevel, numeric, result is the minimum; 1 = RFC 7143.
  numericKey('iSCSIProtocolLevel', 'min', '0', 0, 31, LEADING),
  // RFC 3720 12.19/12.20, obsoleted by RFC 7143: markers are answered No and their intervals Irrelevant.
  booleanKey('OFMarker', 'and', 'No', CONNECTION),
  booleanKey('IFMarker', 'and', 'No', CONNECTION),
  textKey('OFMarkInt', CONNECTION, 'marker-interval', '2048'),
  textKey('IFMarkInt', CONNECTION, 'marker-interval', '2048'),
];

/** Every key this implementation understands, by name. */
export const KEYS: ReadonlyMap<string, KeyDefinition> = new Map(table.map((k) => [k.name, k]));

/** Keys handled by the CHAP exchange (chap.ts), not by the Negotiator. */
export function isChapKey(key: string): boolean {
  return key.startsWith('CHAP_');
}

/** Operational keys an initiator offers in a normal session's operational stage, in offer order. */
export const OPERATIONAL_KEYS: readonly string[] = [
  'HeaderDigest',
  'DataDigest',
  'MaxRecvDataSegmentLength',
  'DefaultTime2Wait',
  'DefaultTime2Retain',
  'InitialR2T',
  'ImmediateData',
  'MaxBurstLength',
  'FirstBurstLength',
  'MaxOutstandingR2T',
  'MaxConnections',
  'DataPDUInOrder',
  'DataSequenceInOrder',
  'ErrorRecoveryLevel',
];

/** Keys offered in a discovery session. */
export const DISCOVERY_KEYS: readonly string[] = ['HeaderDigest', 'DataDigest', 'MaxRecvDataSegmentLength'];

/** Operational values that read the same in what a side would like and in the outcome. */
interface OperationalValues {
  maxBurstLength: number;
  firstBurstLength: number;
  maxOutstandingR2T: number;
  initialR2T: boolean;
  immediateData: boolean;
  dataPduInOrder: boolean;
  dataSequenceInOrder: boolean;
  errorRecoveryLevel: number;
  defaultTime2Wait: number;
  defaultTime2Retain: number;
  maxConnections: number;
  iscsiProtocolLevel: number;
}

/** What this side would like; the negotiation outcome may differ. */
export interface NegotiationSettings extends OperationalValues {
  /** Acceptable digests, most preferred first. */
  headerDigest: DigestName[];
  dataDigest: DigestName[];
  /** The data segment length this side can receive (declared to the peer). */
  maxRecvDataSegmentLength: number;
  /** Acceptable AuthMethod values, most preferred first. */
  authMethod: string[];
  taskReporting: string[];
}

export const DEFAULT_SETTINGS: Readonly<NegotiationSettings> = {
  headerDigest: ['None'],
  dataDigest: ['None'],
  maxRecvDataSegmentLength: 8192,
  maxBurstLength: 262144,
  firstBurstLength: 65536,
  maxOutstandingR2T: 1,
  initialR2T: true,
  immediateData: true,
  dataPduInOrder: true,
  dataSequenceInOrder: true,
  errorRecoveryLevel: 0,
  defaultTime2Wait: 2,
  defaultTime2Retain: 20,
  maxConnections: 1,
  authMethod: ['None'],
  taskReporting: ['RFC3720'],
  iscsiProtocolLevel: 1,
};

/** Negotiated parameters of a session/connection, with RFC defaults for keys never negotiated. */
export interface SessionParameters extends OperationalValues {
  sessionType: SessionType;
  authMethod: string;
  headerDigest: DigestName;
  dataDigest: DigestName;
  /** Largest data segment the initiator accepts (target -> initiator PDUs). */
  initiatorMaxRecvDataSegmentLength: number;
  /** Largest data segment the target accepts (initiator -> target PDUs). */
  targetMaxRecvDataSegmentLength: number;
  taskReporting: string;
  initiatorName?: string;
  targetName?: string;
  initiatorAlias?: string;
  targetAlias?: string;
  targetAddress?: string;
  targetPortalGroupTag?: number;
}

/** The declared names and addresses SessionParameters reports, with their keys. */
const DECLARED_NAMES = [
  ['initiatorName', 'InitiatorName'],
  ['targetName', 'TargetName'],
  ['initiatorAlias', 'InitiatorAlias'],
  ['targetAlias', 'TargetAlias'],
  ['targetAddress', 'TargetAddress'],
] as const;

/** A negotiation that cannot succeed. statusClass/statusDetail are the Login status a target answers with. */
export class NegotiationError extends Error {
  constructor(
    message: string,
    readonly statusClass = 0x02,
    readonly statusDetail = 0x00,
  ) {
    super(message);
    this.name = 'NegotiationError';
  }
}

/** Parse an iSCSI numerical value: decimal or 0x-prefixed hex (RFC 7143 6.1.2). NaN when malformed. */
export function parseNumber(v: string): number {
  if (/^[0-9]{1,16}$/.test(v)) return Number(v);
  if (/^0[xX][0-9a-fA-F]{1,13}$/.test(v)) return parseInt(v.slice(2), 16);
  return NaN;
}

function parseBool(v: string): boolean | undefined {
  if (v === 'Yes') return true;
  if (v === 'No') return false;
  return undefined;
}

const SPECIAL = new Set(['NotUnderstood', 'Irrelevant', 'Reject']);

/** The NegotiationSettings field holding this side's value of each key it offers or answers. */
const SETTING_OF_KEY = new Map<string, keyof NegotiationSettings>([
  ['AuthMethod', 'authMethod'],
  ['HeaderDigest', 'headerDigest'],
  ['DataDigest', 'dataDigest'],
  ['MaxConnections', 'maxConnections'],
  ['InitialR2T', 'initialR2T'],
  ['ImmediateData', 'immediateData'],
  ['MaxRecvDataSegmentLength', 'maxRecvDataSegmentLength'],
  ['MaxBurstLength', 'maxBurstLength'],
  ['DefaultTime2Wait', 'defaultTime2Wait'],
  ['DefaultTime2Retain', 'defaultTime2Retain'],
  ['MaxOutstandingR2T', 'maxOutstandingR2T'],
  ['DataPDUInOrder', 'dataPduInOrder'],
  ['DataSequenceInOrder', 'dataSequenceInOrder'],
  ['ErrorRecoveryLevel', 'errorRecoveryLevel'],
  ['TaskReporting', 'taskReporting'],
  ['iSCSIProtocolLevel', 'iscsiProtocolLevel'],
]);

/** This side's value of a key, written as the key's type is (RFC 7143 6.1); undefined when it has none. */
function settingValue(s: NegotiationSettings, key: string): string | undefined {
  // RFC 7143 13.14: never offer a FirstBurstLength above our MaxBurstLength.
  if (key === 'FirstBurstLength') return String(Math.min(s.firstBurstLength, s.maxBurstLength));
  // Markers (obsoleted by RFC 7143) are never enabled.
  if (key === 'OFMarker' || key === 'IFMarker') return 'No';
  const field = SETTING_OF_KEY.get(key);
  if (field === undefined) return undefined;
  const v = s[field];
  switch (KEYS.get(key)?.type) {
    case 'boolean':
      return v ? 'Yes' : 'No';
    case 'list':
      return (v as readonly string[]).join(',');
    default:
      return String(v);
  }
}

function validValue(def: KeyDefinition, v: string): boolean {
  switch (def.type) {
    case 'numeric': {
      const n = parseNumber(v);
      return Number.isFinite(n) && n >= (def.min ?? 0) && n <= (def.max ?? Number.MAX_SAFE_INTEGER);
    }
    case 'boolean':
      return parseBool(v) !== undefined;
    case 'list':
      return v.split(',').every((x) => x.length > 0);
    case 'text':
      return true;
  }
}

/**
 * The responder's answer to an offer of a known, non-declarative key, given this side's own value
 * (RFC 7143 6.2.2). Returns the answer to send; the outcome equals the answer unless it is Reject.
 */
export function respondToOffer(def: KeyDefinition, offered: string, local: string): string {
  if (def.rule === 'marker-interval') return 'Irrelevant';
  if (!validValue(def, offered)) return 'Reject';
  switch (def.rule) {
    case 'min':
      return String(Math.min(parseNumber(offered), parseNumber(local)));
    case 'max':
      return String(Math.max(parseNumber(offered), parseNumber(local)));
    case 'and':
      return parseBool(offered) === true && parseBool(local) === true ? 'Yes' : 'No';
    case 'or':
      return parseBool(offered) === true || parseBool(local) === true ? 'Yes' : 'No';
    case 'list': {
      // The responder picks the first offered value it supports.
      const mine = local.split(',');
      const pick = offered.split(',').find((v) => mine.includes(v));
      return pick ?? 'Reject';
    }
    case 'declarative':
      return offered;
  }
}

/**
 * Check the answer to our offer and return the outcome, or throw NegotiationError when the answer
 * breaks the key's result function. Reject/NotUnderstood leave the default; Irrelevant keeps the offer.
 */
export function acceptResponse(def: KeyDefinition, offered: string, answer: string): string | undefined {
  if (answer === 'Reject' || answer === 'NotUnderstood') return def.default;
  if (answer === 'Irrelevant') return offered;
  if (def.rule === 'marker-interval') return answer;
  const bad = (): NegotiationError =>
    new NegotiationError(
      `${def.name}: answer ${JSON.stringify(answer)} to offer ${JSON.stringify(offered)} is invalid`,
    );
  if (!validValue(def, answer)) throw bad();
  switch (def.rule) {
    case 'min':
      if (parseNumber(answer) > parseNumber(offered)) throw bad();
      return String(parseNumber(answer));
    case 'max':
      if (parseNumber(answer) < parseNumber(offered)) throw bad();
      return String(parseNumber(answer));
    case 'and':
      if (offered === 'No' && answer !== 'No') throw bad();
      return answer;
    case 'or':
      if (offered === 'Yes' && answer !== 'Yes') throw bad();
      return answer;
    case 'list':
      if (answer.includes(',') || !offered.split(',').includes(answer)) throw bad();
      return answer;
    case 'declarative':
      return answer;
  }
}

/**
 * One side's view of a login (or Text) negotiation. Offer keys with offer()/declare(), feed every
 * batch of received pairs to receive() (which returns the answers to send back), and read the
 * outcome with params() once nothing is outstanding.
 */
export class Negotiator {
  private readonly settings: NegotiationSettings;
  /** Outcomes of negotiated keys and declarations of either side (by key, from the sender's side). */
  private readonly outcome = new Map<string, string>();
  private readonly localDeclared = new Map<string, string>();
  private readonly peerDeclared = new Map<string, string>();
  private readonly offered = new Map<string, string>();
  private readonly done = new Set<string>();

  constructor(
    readonly role: Role,
    settings: Partial<NegotiationSettings> = {},
    private sessionType: SessionType = 'Normal',
  ) {
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
  }

  /** Keys offered and not yet answered. */
  get outstanding(): string[] {
    return [...this.offered.keys()];
  }

  /** Whether a key has been negotiated (offered and answered, or answered by us). */
  isDone(key: string): boolean {
    return this.done.has(key);
  }

  /** The session type, which a target learns from the initiator's SessionType declaration. */
  get type(): SessionType {
    return this.sessionType;
  }

  /** Declare a declarative key (names, SessionType, TargetPortalGroupTag, MaxRecvDataSegmentLength...). */
  declare(key: string, value: string): TextPair {
    this.localDeclared.set(key, value);
    this.noteSessionType(key, value);
    return [key, value];
  }

  /** Either side's SessionType declaration sets the session type. */
  private noteSessionType(key: string, value: string): void {
    if (key === 'SessionType' && (value === 'Normal' || value === 'Discovery')) this.sessionType = value;
  }

  /**
   * Offer this side's values for the given keys (skipping keys already negotiated or outstanding).
   * MaxRecvDataSegmentLength is declared rather than offered.
   */
  offer(keys: readonly string[]): TextPair[] {
    const out: TextPair[] = [];
    for (const key of keys) {
      const def = KEYS.get(key);
      if (!def) throw new RangeError(`unknown key ${key}`);
      if (def.rule === 'declarative') {
        const v = settingValue(this.settings, key);
        if (v === undefined) throw new RangeError(`no local value for declarative key ${key}`);
        if (!this.localDeclared.has(key)) out.push(this.declare(key, v));
        continue;
      }
      if (this.done.has(key) || this.offered.has(key)) continue;
      const v = settingValue(this.settings, key);
      if (v === undefined) throw new RangeError(`no local value for key ${key}`);
      this.offered.set(key, v);
      out.push([key, v]);
    }
    return out;
  }

  /**
   * Process one batch of pairs from the peer: answers to our offers, the peer's declarations and the
   * peer's offers. Returns the answers to send. CHAP_* keys must be filtered out before.
   */
  receive(pairs: readonly TextPair[]): TextPair[] {
    const seen = new Set<string>();
    const answers: TextPair[] = [];
    for (const [key, value] of pairs) {
      if (seen.has(key)) throw new NegotiationError(`key ${key} appears twice in one PDU sequence`);
      seen.add(key);
      const def = KEYS.get(key);
      const offer = this.offered.get(key);
      if (offer !== undefined && def) {
        this.offered.delete(key);
        this.done.add(key);
        const result = acceptResponse(def, offer, value);
        if (result !== undefined) this.outcome.set(key, result);
        continue;
      }
      if (!def) {
        // Unknown keys, including X- and X# vendor keys, are answered NotUnderstood (RFC 7143 6.2.1).
        if (!SPECIAL.has(value)) answers.push([key, 'NotUnderstood']);
        continue;
      }
      if (SPECIAL.has(value)) continue;
      if (def.rule === 'declarative') {
        if (def.type === 'numeric' && !validValue(def, value)) {
          throw new NegotiationError(`${key}=${value} is out of range`);
        }
        if (this.peerDeclared.has(key) && this.peerDeclared.get(key) !== value && key !== 'TargetAddress') {
          throw new NegotiationError(`${key} declared twice`);
        }
        this.peerDeclared.set(key, value);
        this.noteSessionType(key, value);
        continue;
      }
      if (this.done.has(key)) throw new NegotiationError(`key ${key} negotiated twice`);
      this.done.add(key);
      if (this.sessionType === 'Discovery' && !def.discovery) {
        answers.push([key, 'Irrelevant']);
        continue;
      }
      const local = settingValue(this.settings, key) ?? def.default ?? '';
      const answer = respondToOffer(def, value, local);
      if (answer !== 'Reject' && answer !== 'Irrelevant') this.outcome.set(key, answer);
      answers.push([key, answer]);
    }
    return answers;
  }

  /** Value of a key as negotiated or declared (by either side), or undefined. */
  get(key: string): string | undefined {
    return this.outcome.get(key) ?? this.peerDeclared.get(key) ?? this.localDeclared.get(key);
  }

  /** Value the peer declared for a declarative key. */
  peerValue(key: string): string | undefined {
    return this.peerDeclared.get(key);
  }

  /** The negotiated parameters, defaults filled in for keys not negotiated. */
  params(): SessionParameters {
    const str = (key: string): string => this.outcome.get(key) ?? KEYS.get(key)?.default ?? '';
    const num = (key: string): number => parseNumber(str(key));
    const bool = (key: string): boolean => str(key) === 'Yes';
    const digest = (key: string): DigestName => (str(key) === 'CRC32C' ? 'CRC32C' : 'None');
    const mrdsl = (side: Role): number => {
      const m = side === this.role ? this.localDeclared : this.peerDeclared;
      const v = m.get('MaxRecvDataSegmentLength');
      return v === undefined ? 8192 : parseNumber(v);
    };
    const declared = (key: string): string | undefined =>
      this.peerDeclared.get(key) ?? this.localDeclared.get(key);
    const maxBurstLength = num('MaxBurstLength');
    const p: SessionParameters = {
      sessionType: this.sessionType,
      authMethod: str('AuthMethod'),
      headerDigest: digest('HeaderDigest'),
      dataDigest: digest('DataDigest'),
      initiatorMaxRecvDataSegmentLength: mrdsl('initiator'),
      targetMaxRecvDataSegmentLength: mrdsl('target'),
      maxBurstLength,
      // RFC 7143 13.14: FirstBurstLength must not exceed MaxBurstLength; min() on each key can break that.
      firstBurstLength: Math.min(num('FirstBurstLength'), maxBurstLength),
      maxOutstandingR2T: num('MaxOutstandingR2T'),
      initialR2T: bool('InitialR2T'),
      immediateData: bool('ImmediateData'),
      dataPduInOrder: bool('DataPDUInOrder'),
      dataSequenceInOrder: bool('DataSequenceInOrder'),
      errorRecoveryLevel: num('ErrorRecoveryLevel'),
      defaultTime2Wait: num('DefaultTime2Wait'),
      defaultTime2Retain: num('DefaultTime2Retain'),
      maxConnections: num('MaxConnections'),
      taskReporting: str('TaskReporting'),
      iscsiProtocolLevel: num('iSCSIProtocolLevel'),
    };
    for (const [field, key] of DECLARED_NAMES) {
      const v = declared(key);
      if (v !== undefined) p[field] = v;
    }
    const tpgt = declared('TargetPortalGroupTag');
    if (tpgt !== undefined) p.targetPortalGroupTag = parseNumber(tpgt);
    return p;
  }
}
