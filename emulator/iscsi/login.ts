// Target side of the iSCSI login phase (RFC 7143 6.3, 11.12-11.13): stage transitions, the
// initiator's declarations, ACL and target lookup, AuthMethod and CHAP in the security stage,
// operational key negotiation through the shared Negotiator, and the status classes of failures.
import { ChapError, ChapTarget } from '../../targets/iscsi/chap';
import { LoginStatus } from '../../targets/iscsi/login';
import {
  isChapKey,
  NegotiationError,
  Negotiator,
  type NegotiationSettings,
  type SessionParameters,
  type SessionType,
} from '../../targets/iscsi/negotiation';
import { LoginStage, PduError, type LoginRequest } from '../../targets/iscsi/pdu';
import { TextAssembler, textValue, type TextPair } from '../../targets/iscsi/text';
import type { ChapConfig, TargetConfig } from './config';

/** Login status (class << 8 | detail), RFC 7143 11.13.5: the initiator side's table. */
export { LoginStatus };

export class LoginFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'LoginFailure';
  }
}

export interface LoginHost {
  portalGroupTag: number;
  negotiation: Partial<NegotiationSettings>;
  discoveryChap?: ChapConfig;
  findTarget(name: string): TargetConfig | undefined;
}

/** What a login produced once the initiator moved to full feature phase. */
export interface LoginResult {
  initiatorName: string;
  initiatorAlias?: string;
  sessionType: SessionType;
  /** Undefined for discovery sessions. */
  target?: TargetConfig;
  isid: number;
  /** TSIH the initiator asked for (0 = new session). */
  tsih: number;
  cid: number;
  /** CmdSN of the last Login Request: the first ExpCmdSN of the session. */
  cmdSN: number;
  params: SessionParameters;
  authUser?: string;
}

export type LoginStep =
  | { kind: 'respond'; transit: boolean; csg: number; nsg: number; pairs: TextPair[] }
  | { kind: 'complete'; csg: number; pairs: TextPair[]; result: LoginResult };

type ChapState = 'off' | 'await-algorithm' | 'await-response' | 'done';

export class LoginHandler {
  private readonly assembler = new TextAssembler(64 * 1024);
  private first?: { isid: number; tsih: number; cid: number };
  private initiatorName?: string;
  private initiatorAlias?: string;
  private sessionType: SessionType = 'Normal';
  private target?: TargetConfig;
  private neg?: Negotiator;
  private chapConfig?: ChapConfig;
  private chap?: ChapTarget;
  private chapState: ChapState = 'off';
  private authUser?: string;
  private mrdslDeclared = false;

  constructor(private readonly host: LoginHost) {}

  /** The initiator name, once the first Login Request has been read (for logs). */
  get initiator(): string | undefined {
    return this.initiatorName;
  }

  /** Process one Login Request. Throws LoginFailure when the login must fail. */
  handle(req: LoginRequest): LoginStep {
    // RFC 7143 11.12.4: only version 0 exists.
    if (req.versionMin > 0)
      throw new LoginFailure(LoginStatus.UnsupportedVersion, `version-min ${req.versionMin}`);
    if (this.first === undefined) {
      this.first = { isid: req.isid, tsih: req.tsih, cid: req.cid };
    } else if (this.first.isid !== req.isid || this.first.tsih !== req.tsih || this.first.cid !== req.cid) {
      throw new LoginFailure(LoginStatus.InvalidDuringLogin, 'ISID, TSIH or CID changed during login');
    }
    if (req.csg !== LoginStage.Security && req.csg !== LoginStage.Operational) {
      throw new LoginFailure(LoginStatus.InvalidDuringLogin, `CSG ${req.csg}`);
    }
    if (req.transit && (req.nsg <= req.csg || req.nsg === 2)) {
      throw new LoginFailure(LoginStatus.InvalidDuringLogin, `transit from stage ${req.csg} to ${req.nsg}`);
    }
    if (req.transit && req.continue)
      throw new LoginFailure(LoginStatus.InvalidDuringLogin, 'T and C both set');
    let pairs: TextPair[] | undefined;
    try {
      pairs = this.assembler.push(req.data, req.continue);
    } catch (e) {
      if (e instanceof PduError) throw new LoginFailure(LoginStatus.InitiatorError, e.message);
      throw e;
    }
    // C=1: the initiator has more text; answer with an empty response (RFC 7143 11.12.2).
    if (pairs === undefined) return { kind: 'respond', transit: false, csg: req.csg, nsg: 0, pairs: [] };
    const answers: TextPair[] = [];
    const neg = this.neg ?? this.begin(pairs, answers);
    const chapPairs = pairs.filter(([k]) => isChapKey(k));
    try {
      answers.push(...neg.receive(pairs.filter(([k]) => !isChapKey(k))));
    } catch (e) {
      if (e instanceof NegotiationError)
        throw new LoginFailure((e.statusClass << 8) | e.statusDetail, e.message);
      throw e;
    }
    if (req.csg === LoginStage.Security) answers.push(...this.security(neg, chapPairs));
    else if (chapPairs.length > 0)
      throw new LoginFailure(LoginStatus.InitiatorError, 'CHAP keys outside the security stage');
    const authOk = this.chapConfig === undefined || this.chapState === 'done';
    if (req.csg === LoginStage.Operational) {
      // Skipping the security stage is not allowed when the target requires CHAP.
      if (!authOk) throw new LoginFailure(LoginStatus.AuthenticationFailure, 'authentication required');
      if (!this.mrdslDeclared) {
        answers.push(...neg.offer(['MaxRecvDataSegmentLength']));
        this.mrdslDeclared = true;
      }
    }
    let canTransit = neg.outstanding.length === 0;
    if (req.csg === LoginStage.Security && !authOk) {
      const inProgress = this.chapState === 'await-algorithm' || this.chapState === 'await-response';
      if (req.transit && !inProgress)
        throw new LoginFailure(LoginStatus.AuthenticationFailure, 'CHAP not negotiated');
      canTransit = false;
    }
    const transit = req.transit && canTransit;
    if (transit && req.nsg === LoginStage.FullFeature) {
      return { kind: 'complete', csg: req.csg, pairs: answers, result: this.result(neg, req) };
    }
    return { kind: 'respond', transit, csg: req.csg, nsg: transit ? req.nsg : 0, pairs: answers };
  }

  /** First batch of text: names, session type, target lookup, ACL, authentication policy. */
  private begin(pairs: TextPair[], answers: TextPair[]): Negotiator {
    const initiatorName = textValue(pairs, 'InitiatorName');
    if (initiatorName === undefined || initiatorName.length === 0) {
      throw new LoginFailure(LoginStatus.MissingParameter, 'InitiatorName missing');
    }
    this.initiatorName = initiatorName;
    this.initiatorAlias = textValue(pairs, 'InitiatorAlias');
    const type = textValue(pairs, 'SessionType') ?? 'Normal';
    if (type !== 'Normal' && type !== 'Discovery') {
      throw new LoginFailure(LoginStatus.SessionTypeNotSupported, `SessionType ${type}`);
    }
    this.sessionType = type;
    if (type === 'Normal') {
      const targetName = textValue(pairs, 'TargetName');
      if (targetName === undefined)
        throw new LoginFailure(LoginStatus.MissingParameter, 'TargetName missing');
      const target = this.host.findTarget(targetName);
      if (target === undefined) throw new LoginFailure(LoginStatus.NotFound, `no target ${targetName}`);
      if (
        target.acl !== undefined &&
        !target.acl.some((a) => a.toLowerCase() === initiatorName.toLowerCase())
      ) {
        throw new LoginFailure(
          LoginStatus.AuthorizationFailure,
          `${initiatorName} is not in the ACL of ${target.name}`,
        );
      }
      this.target = target;
      this.chapConfig = target.chap;
    } else {
      this.chapConfig = this.host.discoveryChap;
    }
    const settings: Partial<NegotiationSettings> = {
      ...this.host.negotiation,
      authMethod: this.chapConfig !== undefined ? ['CHAP'] : ['None'],
    };
    if (type === 'Discovery') {
      // Discovery sessions never use digests.
      settings.headerDigest = ['None'];
      settings.dataDigest = ['None'];
    }
    this.neg = new Negotiator('target', settings, type);
    if (type === 'Normal') {
      // RFC 7143 13.9: the target sends TargetPortalGroupTag in the first Login Response.
      answers.push(this.neg.declare('TargetPortalGroupTag', String(this.host.portalGroupTag)));
    }
    return this.neg;
  }

  /** AuthMethod outcome and the CHAP exchange (RFC 7143 12.1.3). */
  private security(neg: Negotiator, chapPairs: TextPair[]): TextPair[] {
    const cfg = this.chapConfig;
    if (cfg === undefined || neg.get('AuthMethod') !== 'CHAP') {
      if (chapPairs.length > 0)
        throw new LoginFailure(LoginStatus.InitiatorError, 'CHAP keys without AuthMethod=CHAP');
      return [];
    }
    if (this.chap === undefined) {
      const users = new Map(cfg.users.map((u) => [u.user, u.secret]));
      this.chap = new ChapTarget({ lookupSecret: (u) => users.get(u), targetCredentials: cfg.mutual });
      this.chapState = 'await-algorithm';
    }
    if (chapPairs.length === 0) return [];
    try {
      if (this.chapState === 'await-algorithm' && textValue(chapPairs, 'CHAP_A') !== undefined) {
        this.chapState = 'await-response';
        return this.chap.challenge(chapPairs);
      }
      if (this.chapState === 'await-response' && textValue(chapPairs, 'CHAP_R') !== undefined) {
        const { user, reply } = this.chap.verify(chapPairs);
        this.authUser = user;
        this.chapState = 'done';
        return reply;
      }
    } catch (e) {
      if (e instanceof ChapError) throw new LoginFailure(0x0200 | e.statusDetail, `CHAP: ${e.message}`);
      throw e;
    }
    throw new LoginFailure(LoginStatus.InitiatorError, `unexpected CHAP keys in state ${this.chapState}`);
  }

  private result(neg: Negotiator, req: LoginRequest): LoginResult {
    const first = this.first ?? { isid: req.isid, tsih: req.tsih, cid: req.cid };
    return {
      initiatorName: this.initiatorName ?? '',
      initiatorAlias: this.initiatorAlias,
      sessionType: this.sessionType,
      target: this.target,
      isid: first.isid,
      tsih: first.tsih,
      cid: first.cid,
      cmdSN: req.cmdSN,
      params: neg.params(),
      authUser: this.authUser,
    };
  }
}
