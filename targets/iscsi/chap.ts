// CHAP authentication for the iSCSI security stage (RFC 7143 12.1.3, RFC 1994), MD5 only
// (CHAP_A=5), both roles, with mutual (target) authentication. Defences from RFC 7143 12.1.3:
// equal secrets for both directions are refused, a challenge this process issued that comes
// back to it is refused, and a response equal to the one the receiver would itself compute is
// refused (reflection).
import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import type { TextPair } from './text';
import { textValue } from './text';

/** CHAP_A value for MD5 (RFC 1994 / IANA PPP authentication algorithms). */
export const CHAP_MD5 = 5;
/** Largest challenge accepted, in bytes (RFC 7143 12.1.3). */
export const MAX_CHALLENGE_LENGTH = 1024;

/** Authentication failed; statusDetail is the Login status detail of class 02h (01h = authentication failure). */
export class ChapError extends Error {
  constructor(
    message: string,
    readonly statusDetail = 0x01,
  ) {
    super(message);
    this.name = 'ChapError';
  }
}

export interface ChapCredentials {
  /** CHAP_N name. */
  user: string;
  secret: string | Buffer;
}

function secretBytes(s: string | Buffer): Buffer {
  return typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
}

/** CHAP MD5 response: MD5(identifier || secret || challenge) (RFC 1994 4.1). */
export function chapMd5Response(identifier: number, secret: string | Buffer, challenge: Buffer): Buffer {
  if (!Number.isInteger(identifier) || identifier < 0 || identifier > 255) {
    throw new RangeError(`CHAP identifier ${identifier} is outside 0..255`);
  }
  return createHash('md5')
    .update(Buffer.from([identifier]))
    .update(secretBytes(secret))
    .update(challenge)
    .digest();
}

/** Encode binary for CHAP_C/CHAP_R: 0x hex (default) or 0b base64 (RFC 7143 6.1.2). */
export function encodeChapBinary(data: Buffer, encoding: 'hex' | 'base64' = 'hex'): string {
  return encoding === 'hex' ? `0x${data.toString('hex')}` : `0b${data.toString('base64')}`;
}

/** Decode a 0x-hex or 0b-base64 binary value. Throws ChapError when malformed. */
export function decodeChapBinary(value: string): Buffer {
  const prefix = value.slice(0, 2).toLowerCase();
  const body = value.slice(2);
  if (prefix === '0x') {
    if (!/^[0-9a-fA-F]+$/.test(body)) throw new ChapError(`bad hex value ${JSON.stringify(value)}`);
    return Buffer.from(body.length % 2 === 1 ? `0${body}` : body, 'hex');
  }
  if (prefix === '0b') {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 === 1) {
      throw new ChapError(`bad base64 value ${JSON.stringify(value)}`);
    }
    return Buffer.from(body, 'base64');
  }
  throw new ChapError(`binary value ${JSON.stringify(value)} needs a 0x or 0b prefix`);
}

function parseIdentifier(v: string | undefined): number {
  if (v === undefined) throw new ChapError('CHAP_I missing');
  let n = NaN;
  if (/^[0-9]{1,3}$/.test(v)) n = Number(v);
  else if (/^0[xX][0-9a-fA-F]{1,2}$/.test(v)) n = parseInt(v.slice(2), 16);
  if (!(n >= 0 && n <= 255)) throw new ChapError(`CHAP_I ${JSON.stringify(v)} is not in 0..255`);
  return n;
}

function parseChallenge(v: string | undefined): Buffer {
  if (v === undefined) throw new ChapError('CHAP_C missing');
  const c = decodeChapBinary(v);
  if (c.length === 0 || c.length > MAX_CHALLENGE_LENGTH) {
    throw new ChapError(`CHAP_C of ${c.length} bytes is outside 1..${MAX_CHALLENGE_LENGTH}`);
  }
  return c;
}

/**
 * Challenges this process issued recently, per role, to refuse them when they come back to the
 * same role on another connection (reflection). Per role, so that an initiator and a target in one
 * process can authenticate each other.
 */
const issued: Record<'initiator' | 'target', string[]> = { initiator: [], target: [] };
const ISSUED_LIMIT = 256;

function remember(role: 'initiator' | 'target', challenge: Buffer): void {
  const list = issued[role];
  list.push(challenge.toString('hex'));
  if (list.length > ISSUED_LIMIT) list.shift();
}

function wasIssued(role: 'initiator' | 'target', challenge: Buffer): boolean {
  return issued[role].includes(challenge.toString('hex'));
}

type RandomBytes = (n: number) => Buffer;

export interface ChapInitiatorOptions {
  /** Name and secret the target authenticates this initiator with. */
  credentials: ChapCredentials;
  /** For mutual CHAP: the name and secret the target must prove. */
  mutual?: ChapCredentials;
  /** Length of the mutual challenge (default 16). */
  challengeLength?: number;
  /** Random source (tests inject a fixed one). */
  randomBytes?: RandomBytes;
}

/**
 * Initiator side: start() gives CHAP_A; respond() answers the target's CHAP_A/CHAP_I/CHAP_C with
 * CHAP_N/CHAP_R (and CHAP_I/CHAP_C when mutual); verify() checks the target's CHAP_N/CHAP_R.
 */
export class ChapInitiator {
  private readonly random: RandomBytes;
  private myIdentifier = 0;
  private myChallenge?: Buffer;

  constructor(private readonly opts: ChapInitiatorOptions) {
    this.random = opts.randomBytes ?? nodeRandomBytes;
    if (opts.mutual && secretBytes(opts.mutual.secret).equals(secretBytes(opts.credentials.secret))) {
      throw new ChapError('mutual CHAP secret must differ from the initiator secret', 0x01);
    }
  }

  get mutual(): boolean {
    return this.opts.mutual !== undefined;
  }

  /** First security-stage pairs: the algorithm list (only MD5, which every target accepts). */
  start(): TextPair[] {
    return [['CHAP_A', String(CHAP_MD5)]];
  }

  /** Answer the target's challenge. */
  respond(pairs: readonly TextPair[]): TextPair[] {
    const a = textValue(pairs, 'CHAP_A');
    if (a === undefined || a.split(',')[0] !== String(CHAP_MD5)) {
      throw new ChapError(`target chose CHAP_A=${a ?? '(none)'}, only ${CHAP_MD5} (MD5) is supported`);
    }
    const id = parseIdentifier(textValue(pairs, 'CHAP_I'));
    const challenge = parseChallenge(textValue(pairs, 'CHAP_C'));
    if (wasIssued('initiator', challenge))
      throw new ChapError('target reflected a challenge this initiator issued');
    const out: TextPair[] = [
      ['CHAP_N', this.opts.credentials.user],
      ['CHAP_R', encodeChapBinary(chapMd5Response(id, this.opts.credentials.secret, challenge))],
    ];
    if (this.opts.mutual) {
      let mine: Buffer;
      do mine = this.random(this.opts.challengeLength ?? 16);
      while (mine.equals(challenge));
      this.myIdentifier = this.random(1)[0];
      this.myChallenge = mine;
      remember('initiator', mine);
      out.push(['CHAP_I', String(this.myIdentifier)], ['CHAP_C', encodeChapBinary(mine)]);
    }
    return out;
  }

  /** Verify the target's answer to the mutual challenge. Throws ChapError on failure. */
  verify(pairs: readonly TextPair[]): void {
    const mutual = this.opts.mutual;
    if (!mutual || !this.myChallenge) throw new ChapError('no mutual challenge was sent');
    const name = textValue(pairs, 'CHAP_N');
    const r = textValue(pairs, 'CHAP_R');
    if (name === undefined || r === undefined)
      throw new ChapError('target did not answer the mutual challenge');
    if (name !== mutual.user) throw new ChapError(`target authenticated as ${JSON.stringify(name)}`);
    const got = decodeChapBinary(r);
    const reflected = chapMd5Response(this.myIdentifier, this.opts.credentials.secret, this.myChallenge);
    if (got.equals(reflected))
      throw new ChapError('target response equals the initiator own response (reflection)');
    if (!got.equals(chapMd5Response(this.myIdentifier, mutual.secret, this.myChallenge))) {
      throw new ChapError('target CHAP response is wrong');
    }
  }
}

export interface ChapTargetOptions {
  /** Secret of a CHAP_N user, or undefined when the user is unknown. */
  lookupSecret: (user: string) => string | Buffer | undefined;
  /** Credentials the target proves when the initiator asks for mutual CHAP. */
  targetCredentials?: ChapCredentials;
  /** Challenge length in bytes (default 16). */
  challengeLength?: number;
  randomBytes?: RandomBytes;
}

/**
 * Target side: challenge() answers the initiator's CHAP_A list with CHAP_A/CHAP_I/CHAP_C;
 * verify() checks CHAP_N/CHAP_R and, when the initiator sent CHAP_I/CHAP_C, returns the
 * target's CHAP_N/CHAP_R.
 */
export class ChapTarget {
  private readonly random: RandomBytes;
  private identifier = 0;
  private challengeBytes?: Buffer;

  constructor(private readonly opts: ChapTargetOptions) {
    this.random = opts.randomBytes ?? nodeRandomBytes;
  }

  /** Answer the CHAP_A list: picks MD5 or throws ChapError (the caller answers CHAP_A=Reject and fails login). */
  challenge(pairs: readonly TextPair[]): TextPair[] {
    const a = textValue(pairs, 'CHAP_A');
    if (a === undefined) throw new ChapError('CHAP_A missing', 0x00);
    if (!a.split(',').includes(String(CHAP_MD5))) throw new ChapError(`CHAP_A=${a} has no MD5 (5)`, 0x00);
    this.identifier = this.random(1)[0];
    this.challengeBytes = this.random(this.opts.challengeLength ?? 16);
    remember('target', this.challengeBytes);
    return [
      ['CHAP_A', String(CHAP_MD5)],
      ['CHAP_I', String(this.identifier)],
      ['CHAP_C', encodeChapBinary(this.challengeBytes)],
    ];
  }

  /** Check the initiator's response; returns the authenticated user and the pairs to send back. */
  verify(pairs: readonly TextPair[]): { user: string; reply: TextPair[] } {
    if (!this.challengeBytes) throw new ChapError('no challenge was sent', 0x00);
    const user = textValue(pairs, 'CHAP_N');
    const r = textValue(pairs, 'CHAP_R');
    if (user === undefined || r === undefined) throw new ChapError('CHAP_N/CHAP_R missing', 0x00);
    const secret = this.opts.lookupSecret(user);
    if (secret === undefined) throw new ChapError(`unknown CHAP user ${JSON.stringify(user)}`);
    const got = decodeChapBinary(r);
    const tc = this.opts.targetCredentials;
    if (tc && got.equals(chapMd5Response(this.identifier, tc.secret, this.challengeBytes))) {
      throw new ChapError('initiator response equals the target own response (reflection)');
    }
    if (!got.equals(chapMd5Response(this.identifier, secret, this.challengeBytes))) {
      throw new ChapError(`CHAP response of ${JSON.stringify(user)} is wrong`);
    }
    const reply: TextPair[] = [];
    const iv = textValue(pairs, 'CHAP_I');
    const cv = textValue(pairs, 'CHAP_C');
    if (iv !== undefined || cv !== undefined) {
      if (!tc) throw new ChapError('initiator asked for mutual CHAP, target has no credentials', 0x02);
      if (secretBytes(tc.secret).equals(secretBytes(secret))) {
        throw new ChapError('mutual CHAP secret equals the initiator secret');
      }
      const id = parseIdentifier(iv);
      const c = parseChallenge(cv);
      if (c.equals(this.challengeBytes) || wasIssued('target', c)) {
        throw new ChapError('initiator reflected the target challenge');
      }
      reply.push(['CHAP_N', tc.user], ['CHAP_R', encodeChapBinary(chapMd5Response(id, tc.secret, c))]);
    }
    return { user, reply };
  }
}
