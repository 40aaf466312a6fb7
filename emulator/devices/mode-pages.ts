// Mode pages of a logical unit (SPC-4 7.5): current, changeable and default values, MODE SENSE
// page lists and MODE SELECT parameter checks. Pages are not savable (PS=0; SP=1 and saved
// values are refused with SAVING PARAMETERS NOT SUPPORTED).
import { illegalRequest, invalidParamField, paramListLengthError } from '../../cdb/errors';

export interface ModePageDefinition {
  pageCode: number;
  /** Whole page with header: byte 0 = page code, byte 1 = PAGE LENGTH (page_0 format). */
  defaults: Buffer;
  /** Changeable-values mask, same layout (header bytes are copied from defaults). */
  changeable: Buffer;
}

export type PageControl = 'current' | 'changeable' | 'default';

/**
 * A checked part of a MODE SELECT parameter list. Nothing changes until every part of the list
 * is checked; then apply() makes the change and says whether a value changed (the other I_T
 * nexuses then get MODE PARAMETERS CHANGED, SPC-4 7.5.1).
 */
export interface ModeSelectChange {
  apply(): boolean;
}

export const NO_MODE_CHANGE: ModeSelectChange = Object.freeze({ apply: () => false });

export class ModePages {
  private readonly defs = new Map<number, ModePageDefinition>();
  private readonly current = new Map<number, Buffer>();

  constructor(defs: ModePageDefinition[]) {
    for (const d of defs) {
      if (d.defaults.length !== d.defaults[1] + 2 || d.changeable.length !== d.defaults.length) {
        throw new RangeError(`mode page ${d.pageCode.toString(16)}h: length mismatch`);
      }
      const changeable = Buffer.from(d.changeable);
      changeable[0] = d.pageCode;
      changeable[1] = d.defaults[1];
      this.defs.set(d.pageCode, { ...d, changeable });
      this.current.set(d.pageCode, Buffer.from(d.defaults));
    }
  }

  has(pageCode: number): boolean {
    return this.defs.has(pageCode);
  }

  codes(): number[] {
    return [...this.defs.keys()].sort((a, b) => a - b);
  }

  /** Current value of one page (a copy). */
  get(pageCode: number): Buffer {
    const p = this.current.get(pageCode);
    if (p === undefined) throw new RangeError(`no mode page ${pageCode.toString(16)}h`);
    return Buffer.from(p);
  }

  /** The bytes MODE SENSE returns for one page, or for all pages with code 3Fh. */
  sense(pageCode: number, control: PageControl): Buffer {
    const codes = pageCode === 0x3f ? this.codes() : [pageCode];
    return Buffer.concat(
      codes.map((c) => {
        const d = this.defs.get(c);
        if (d === undefined) throw new RangeError(`no mode page ${c.toString(16)}h`);
        if (control === 'changeable') return Buffer.from(d.changeable);
        if (control === 'default') return Buffer.from(d.defaults);
        return this.get(c);
      }),
    );
  }

  /**
   * Check the mode pages of a MODE SELECT parameter list (after header and block descriptors);
   * `base` is the offset of `pages` in the parameter list, for field pointers. Nothing changes
   * until the caller applies the result, which says whether a page changed.
   */
  select(pages: Buffer, base: number): ModeSelectChange {
    const updates: Array<[number, Buffer]> = [];
    let off = 0;
    while (off < pages.length) {
      if (pages.length - off < 2) throw paramListLengthError('truncated mode page header');
      const spf = (pages[off] & 0x40) !== 0;
      const code = pages[off] & 0x3f;
      if (spf) throw invalidParamField(base + off, 'subpage format pages are not supported', 6);
      const d = this.defs.get(code);
      if (d === undefined)
        throw invalidParamField(base + off, `mode page ${code.toString(16)}h not supported`);
      const len = pages[off + 1];
      // SPC-4 7.5.7: the PAGE LENGTH must be the one MODE SENSE reports.
      if (len !== d.defaults[1])
        throw invalidParamField(base + off + 1, `page ${code.toString(16)}h length ${len}`);
      if (off + 2 + len > pages.length)
        throw paramListLengthError(`mode page ${code.toString(16)}h truncated`);
      const cur = this.current.get(code) ?? d.defaults;
      const next = Buffer.from(cur);
      for (let i = 2; i < len + 2; i++) {
        const v = pages[off + i];
        const mask = d.changeable[i];
        // Bits that are not changeable must keep their current value.
        if ((v & ~mask & 0xff) !== (cur[i] & ~mask & 0xff)) {
          const bad = (v ^ cur[i]) & ~mask & 0xff;
          throw invalidParamField(
            base + off + i,
            `page ${code.toString(16)}h byte ${i} not changeable`,
            31 - Math.clz32(bad),
          );
        }
        next[i] = (cur[i] & ~mask) | (v & mask);
      }
      updates.push([code, next]);
      off += 2 + len;
    }
    return {
      apply: () => {
        let changed = false;
        for (const [code, next] of updates) {
          const cur = this.current.get(code);
          if (cur === undefined || !cur.equals(next)) changed = true;
          this.current.set(code, next);
        }
        return changed;
      },
    };
  }

  /** Back to default values (logical unit reset, SAM-5 6.3.3). */
  reset(): void {
    for (const [code, d] of this.defs) this.current.set(code, Buffer.from(d.defaults));
  }
}

/** 05/39/00 SAVING PARAMETERS NOT SUPPORTED with a pointer to the PC / SP field. */
export function savingNotSupported(field: number, bit: number): Error {
  return illegalRequest(0x39, 0x00, 'saving parameters not supported', { commandData: true, field, bit });
}

function page(code: number, body: number[]): Buffer {
  return Buffer.from([code, body.length, ...body]);
}

/** Control mode page 0Ah (SPC-4 7.5.8). D_SENSE and SWP are changeable. */
export function controlModePage(): ModePageDefinition {
  const defaults = page(0x0a, [
    0x00, // TST 0, TMF_ONLY 0, DPICZ 0, D_SENSE 0, GLTSD 0, RLEC 0
    0x10, // QUEUE ALGORITHM MODIFIER 1 (unrestricted reordering), QERR 0
    0x00, // VS, RAC, UA_INTLCK_CTRL 0, SWP 0
    0x00, // ATO 0, TAS 0, ATMPE 0, RWWP 0, AUTOLOAD MODE 0
    0x00,
    0x00,
    0xff, // BUSY TIMEOUT PERIOD: unlimited
    0xff,
    0x00, // EXTENDED SELF-TEST COMPLETION TIME
    0x00,
  ]);
  const changeable = page(0x0a, [0x04, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
  return { pageCode: 0x0a, defaults, changeable };
}

/** Caching mode page 08h (SBC-3 6.4.5). WCE is changeable. */
export function cachingModePage(): ModePageDefinition {
  const body = new Array<number>(18).fill(0);
  body[0] = 0x04; // WCE 1, RCD 0
  const defaults = page(0x08, body);
  const mask = new Array<number>(18).fill(0);
  mask[0] = 0x04;
  return { pageCode: 0x08, defaults, changeable: page(0x08, mask) };
}

/** Bits of the control page the device server acts on. */
export function controlFlags(controlPage: Buffer): { dSense: boolean; swp: boolean } {
  return { dSense: (controlPage[2] & 0x04) !== 0, swp: (controlPage[4] & 0x08) !== 0 };
}
