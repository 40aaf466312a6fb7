// The per-LU handler interface of the target side: the iSCSI server (and the in-process and
// SG_IO-interposer transports) hand a CDB plus data-out and the I_T nexus to a handler and get
// status, sense and data-in back. Device handlers (disk, tape, changer) and the copy manager
// implement it.

/** Identifies the I_T nexus a command arrived on (SAM-5 4.6). */
export interface ItNexus {
  /** iSCSI initiator port name: "iqn...,i,0x<ISID>" (SPC-4 7.6.4.6), or another transport's name. */
  initiatorPort: string;
  /** Initiator device name (IQN) alone, for ACLs. */
  initiatorName: string;
  /** Target port name: "iqn...,t,0x<TPGT>". */
  targetPort: string;
  /** Relative target port identifier (SPC-4 7.8.6.5). */
  relativeTargetPort: number;
  /** CHAP user the session authenticated as, if any. */
  authUser?: string;
}

export interface LuRequest {
  cdb: Buffer;
  /** Data-out the initiator sent (may be shorter than the CDB asks for; handlers must check). */
  dataOut?: Buffer;
  /** Expected data-in length from the transport (iSCSI EDTL). */
  dataInLength: number;
  nexus: ItNexus;
  /** Aborted by a task management function or a reset: long handlers poll it and stop. */
  signal: AbortSignal;
  /** Transport task tag, unique among this nexus' outstanding tasks. */
  taskTag: number;
}

export interface LuResponse {
  status: number;
  /** Sense data bytes (handlers produce fixed format unless D_SENSE is set). */
  sense?: Buffer;
  dataIn?: Buffer;
  /**
   * Data-out bytes the CDB called for (its SCSI transfer length), when the command takes
   * data-out: the transport reports the residual of its expected length against it (iSCSI
   * Write residuals, RFC 7143 11.4.5). Data-in residuals come from `dataIn.length`.
   */
  dataOutLength?: number;
}

export interface LogicalUnit {
  /** Peripheral device type (0 disk, 1 tape, 3 processor, 8 changer). */
  readonly deviceType: number;
  execute(req: LuRequest): Promise<LuResponse>;
  /** Task management: LOGICAL UNIT RESET / TARGET RESET clears state and sets a unit attention. */
  reset(kind: 'lu-reset' | 'target-warm-reset' | 'target-cold-reset'): void;
  /** An I_T nexus ended (its session logged out or dropped): forget its unit attentions and per-nexus state. */
  nexusLost?(nexus: ItNexus): void;
  close?(): Promise<void>;
}
