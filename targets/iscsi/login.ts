// Initiator login phase (RFC 7143 6.3, 11.12/11.13): security stage (AuthMethod, CHAP and mutual
// CHAP), operational stage (key negotiation) and the transition to full feature phase, with login
// status classes and redirection (0101h/0102h) reported to the caller.
import { TransportError } from '../transport';
import { ChapError, ChapInitiator, type ChapCredentials } from './chap';
import type { IscsiConnection } from './connection';
import { DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH } from './framing';
import {
  DISCOVERY_KEYS,
  isChapKey,
  NegotiationError,
  Negotiator,
  OPERATIONAL_KEYS,
  type NegotiationSettings,
  type SessionParameters,
  type SessionType,
} from './negotiation';
import { LoginStage, type LoginRequest, type LoginResponse } from './pdu';
import { serialAdd } from './serial';
import { parseText, serializeText, textValue, TextAssembler, type TextPair } from './text';
import { parseTargetAddress, type TargetPortal } from './url';

/** Login status classes and details (RFC 7143 11.13.5). */
export const LoginStatus = {
  Success: 0x0000,
  TargetMovedTemporarily: 0x0101,
  TargetMovedPermanently: 0x0102,
  InitiatorError: 0x0200,
  AuthenticationFailure: 0x0201,
  AuthorizationFailure: 0x0202,
  NotFound: 0x0203,
  TargetRemoved: 0x0204,
  UnsupportedVersion: 0x0205,
  TooManyConnections: 0x0206,
  MissingParameter: 0x0207,
  CantIncludeInSession: 0x0208,
  SessionTypeNotSupported: 0x0209,
  SessionDoesNotExist: 0x020a,
  InvalidDuringLogin: 0x020b,
  TargetError: 0x0300,
  ServiceUnavailable: 0x0301,
  OutOfResources: 0x0302,
} as const;

const STATUS_TEXT: Record<number, string> = {
  0x0101: 'target moved temporarily',
  0x0102: 'target moved permanently',
  0x0200: 'initiator error',
  0x0201: 'authentication failure',
  0x0202: 'authorization failure',
  0x0203: 'target not found',
  0x0204: 'target removed',
  0x0205: 'unsupported version',
  0x0206: 'too many connections',
  0x0207: 'missing parameter',
  0x0208: "can't include in session",
  0x0209: 'session type not supported',
  0x020a: 'session does not exist',
  0x020b: 'invalid request during login',
  0x0300: 'target error',
  0x0301: 'service unavailable',
  0x0302: 'out of resources',
};

/** Login failed with a status from the target, or the initiator gave up (statusClass 0xff). */
export class LoginError extends TransportError {
  constructor(
    message: string,
    readonly statusClass: number,
    readonly statusDetail: number,
  ) {
    super(message, false);
    this.name = 'LoginError';
  }

  get status(): number {
    return (this.statusClass << 8) | this.statusDetail;
  }
}

export interface LoginOptions {
  initiatorName: string;
  initiatorAlias?: string;
  /** Required for a normal session, absent for discovery. */
  targetName?: string;
  sessionType: SessionType;
  isid: number;
  /** 0 for a new session or a session reinstatement (RFC 7143 6.3.5). */
  tsih: number;
  cid: number;
  /** Initial CmdSN of the session. */
  cmdSN: number;
  itt: number;
  chap?: ChapCredentials;
  mutualChap?: ChapCredentials;
  settings: Partial<NegotiationSettings>;
  /** Per-response timeout. */
  timeoutMs: number;
}

export type LoginOutcome =
  | {
      kind: 'success';
      params: SessionParameters;
      tsih: number;
      /** StatSN the target will use next. */
      expStatSN: number;
      expCmdSN: number;
      maxCmdSN: number;
    }
  | { kind: 'redirect'; portal: TargetPortal; permanent: boolean };

type ChapPhase = 'idle' | 'algorithms-sent' | 'response-sent' | 'done';

/** Most login request/response exchanges before giving up (a target that never transits). */
const MAX_EXCHANGES = 32;

/** Run the login phase on a fresh connection. Throws LoginError / TransportError. */
export async function login(conn: IscsiConnection, opts: LoginOptions): Promise<LoginOutcome> {
  if (opts.sessionType === 'Normal' && !opts.targetName) {
    throw new LoginError('a normal session needs a TargetName', 0xff, 0);
  }
  if (opts.mutualChap && !opts.chap)
    throw new LoginError('mutual CHAP needs initiator CHAP credentials', 0xff, 0);
  const auth = opts.chap ? (opts.mutualChap ? ['CHAP'] : ['CHAP', 'None']) : ['None'];
  const neg = new Negotiator('initiator', { ...opts.settings, authMethod: auth }, opts.sessionType);
  let chap: ChapInitiator | undefined;
  try {
    chap = opts.chap ? new ChapInitiator({ credentials: opts.chap, mutual: opts.mutualChap }) : undefined;
  } catch (e) {
    throw new LoginError((e as Error).message, 0xff, 0);
  }
  let csg: number = LoginStage.Security;
  let expStatSN = 0;
  let pendingKeys: TextPair[] = [];
  // Leading login: names and session type go in the first request (RFC 7143 6.3.1).
  pendingKeys.push(neg.declare('InitiatorName', opts.initiatorName));
  if (opts.initiatorAlias) pendingKeys.push(neg.declare('InitiatorAlias', opts.initiatorAlias));
  pendingKeys.push(neg.declare('SessionType', opts.sessionType));
  if (opts.targetName) pendingKeys.push(neg.declare('TargetName', opts.targetName));
  pendingKeys.push(...neg.offer(['AuthMethod']));
  let authMethod: string | undefined;
  // Assigned inside the helpers below, so declared without literal narrowing.
  let chapState = 'idle' as ChapPhase;
  let operationalOffered = false;
  let nsg: number = LoginStage.Operational;

  for (let exchange = 0; exchange < MAX_EXCHANGES; exchange++) {
    const transit = wantsTransit();
    const req: LoginRequest = {
      kind: 'login-request',
      transit,
      continue: false,
      csg,
      nsg: transit ? nsg : 0,
      versionMax: 0,
      versionMin: 0,
      isid: opts.isid,
      tsih: opts.tsih,
      itt: opts.itt,
      cid: opts.cid,
      cmdSN: opts.cmdSN,
      expStatSN,
      data: serializeText(pendingKeys),
    };
    if (req.data.length > DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH) {
      throw new LoginError(`login request of ${req.data.length} bytes is too long`, 0xff, 0);
    }
    pendingKeys = [];
    conn.send(req);
    const { resp, pairs } = await receiveResponse(conn, opts, req, (s) => {
      expStatSN = s;
    });
    const status = (resp.statusClass << 8) | resp.statusDetail;
    if (resp.statusClass === 1) {
      const addr = textValue(pairs, 'TargetAddress');
      if (!addr)
        throw new LoginError(`redirection (0x${hex4(status)}) without TargetAddress`, 1, resp.statusDetail);
      return {
        kind: 'redirect',
        portal: parseTargetAddress(addr),
        permanent: status === LoginStatus.TargetMovedPermanently,
      };
    }
    if (resp.statusClass !== 0) {
      const what = STATUS_TEXT[status] ?? 'login rejected';
      throw new LoginError(`login ${what} (status 0x${hex4(status)})`, resp.statusClass, resp.statusDetail);
    }
    if (resp.csg !== csg) throw protocol(`target answered in stage ${resp.csg}, request was in ${csg}`);

    const chapPairs = pairs.filter(([k]) => isChapKey(k));
    const otherPairs = pairs.filter(([k]) => !isChapKey(k));
    try {
      pendingKeys.push(...neg.receive(otherPairs));
    } catch (e) {
      if (e instanceof NegotiationError) throw new LoginError(`negotiation failed: ${e.message}`, 0xff, 0);
      throw e;
    }

    if (csg === LoginStage.Security) {
      authMethod ??= neg.get('AuthMethod');
      if (authMethod !== undefined) handleSecurity(authMethod, chapPairs, resp.transit);
    }

    if (resp.transit) {
      if (resp.nsg === LoginStage.FullFeature) {
        if (neg.outstanding.length > 0)
          throw protocol(`target transited with keys unanswered: ${neg.outstanding}`);
        if (chap && opts.mutualChap && chapState !== 'done')
          throw authFailure('target skipped mutual authentication');
        if (chap && opts.mutualChap && authMethod !== 'CHAP') throw authFailure('target did not use CHAP');
        return {
          kind: 'success',
          params: neg.params(),
          tsih: resp.tsih,
          expStatSN,
          expCmdSN: resp.expCmdSN,
          maxCmdSN: resp.maxCmdSN,
        };
      }
      if (resp.nsg !== LoginStage.Operational || csg !== LoginStage.Security) {
        throw protocol(`unexpected transition ${resp.csg} -> ${resp.nsg}`);
      }
      if (authMethod === undefined)
        throw authFailure('target left the security stage without choosing AuthMethod');
      if (authMethod === 'CHAP' && chapState !== 'done') throw authFailure('target skipped CHAP');
      csg = LoginStage.Operational;
      nsg = LoginStage.FullFeature;
    }
    if (csg === LoginStage.Operational && !operationalOffered) {
      operationalOffered = true;
      const keys = opts.sessionType === 'Discovery' ? DISCOVERY_KEYS : OPERATIONAL_KEYS;
      pendingKeys.push(...neg.offer(keys));
    }
  }
  throw protocol(`login did not complete within ${MAX_EXCHANGES} exchanges`);

  function wantsTransit(): boolean {
    if (csg === LoginStage.Security) {
      // Ask to leave the security stage only when no CHAP exchange is (or may be) under way.
      if (chapState === 'idle') return authMethod === 'None' || (authMethod === undefined && !chap);
      return chapState === 'response-sent' || chapState === 'done';
    }
    return true;
  }

  function handleSecurity(method: string, chapPairs: TextPair[], targetTransit: boolean): void {
    if (method === 'None') {
      if (opts.mutualChap) throw authFailure('target refused CHAP');
      return;
    }
    if (method !== 'CHAP' || !chap) throw authFailure(`target chose AuthMethod=${method}`);
    try {
      if (chapState === 'idle') {
        pendingKeys.push(...chap.start());
        chapState = 'algorithms-sent';
      } else if (chapState === 'algorithms-sent') {
        pendingKeys.push(...chap.respond(chapPairs));
        chapState = 'response-sent';
      } else if (chapState === 'response-sent' && (targetTransit || chapPairs.length > 0)) {
        if (opts.mutualChap) chap.verify(chapPairs);
        chapState = 'done';
      }
    } catch (e) {
      if (e instanceof ChapError) throw authFailure(e.message);
      throw e;
    }
  }
}

/** Receive one complete login response (following C-bit continuation) and check its header. */
async function receiveResponse(
  conn: IscsiConnection,
  opts: LoginOptions,
  req: LoginRequest,
  setExpStatSN: (n: number) => void,
): Promise<{ resp: LoginResponse; pairs: TextPair[] }> {
  const text = new TextAssembler(64 * 1024);
  for (;;) {
    const pdu = await conn.receive(opts.timeoutMs);
    if (pdu.kind !== 'login-response') throw protocol(`expected a Login Response, got ${pdu.kind}`);
    if (pdu.itt !== opts.itt) throw protocol(`Login Response for ITT ${pdu.itt}, expected ${opts.itt}`);
    setExpStatSN(serialAdd(pdu.statSN, 1));
    if (pdu.statusClass !== 0) {
      // Not checking the ISID here: some targets (tgt) zero it in error responses.
      // Error responses carry no continuation; keys (TargetAddress on redirection) are in this PDU.
      return { resp: pdu, pairs: safeParse(pdu.data) };
    }
    if (pdu.isid !== opts.isid) throw protocol('Login Response with another ISID');
    const pairs = text.push(pdu.data, pdu.continue);
    if (pairs) return { resp: pdu, pairs };
    // RFC 7143 11.13.3: answer a continued response with an empty request to get the rest.
    conn.send({
      ...req,
      transit: false,
      continue: false,
      nsg: 0,
      expStatSN: serialAdd(pdu.statSN, 1),
      data: Buffer.alloc(0),
    });
  }
}

function safeParse(data: Buffer): TextPair[] {
  try {
    return parseText(data);
  } catch {
    return [];
  }
}

function protocol(message: string): LoginError {
  return new LoginError(`login protocol error: ${message}`, 0xff, 0);
}

function authFailure(message: string): LoginError {
  return new LoginError(`authentication failed: ${message}`, 0xff, 1);
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
