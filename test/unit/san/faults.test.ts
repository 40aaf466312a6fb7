// Fault specifications (POST /faults bodies) and the connection-drop byte counting.
import type { Connection } from '../../../emulator/iscsi/connection';
import { ConnectionFaults } from '../../../emulator/san/connection-faults';
import { SanOperationError } from '../../../emulator/san/errors';
import { parseFaultSpec } from '../../../emulator/san/fault-spec';

function fakeConn(target: string, initiator: string, state = 'full-feature'): Connection {
  return { state, session: { target: { name: target }, initiatorName: initiator } } as unknown as Connection;
}

describe('parseFaultSpec', () => {
  it('fills defaults', () => {
    expect(parseFaultSpec({ kind: 'medium-error', lu: 'd', lba: 5 })).toEqual({
      kind: 'medium-error',
      lu: 'd',
      lba: 5,
      blocks: 1,
      operation: 'any',
    });
    expect(parseFaultSpec({ kind: 'drop-connection', afterBytes: 10 })).toEqual({
      kind: 'drop-connection',
      afterBytes: 10,
      direction: 'both',
      times: 1,
    });
    expect(parseFaultSpec({ kind: 'delay', lu: 't', ms: 5, opcodes: [0x0a], skip: 2 })).toEqual({
      kind: 'delay',
      lu: 't',
      ms: 5,
      opcodes: [0x0a],
      skip: 2,
    });
    expect(parseFaultSpec({ kind: 'early-warning', lu: 't', object: 9 })).toEqual({
      kind: 'early-warning',
      lu: 't',
      object: 9,
    });
    expect(
      parseFaultSpec({
        kind: 'sense',
        lu: 't',
        senseKey: 0x0d,
        asc: 0,
        ascq: 2,
        eom: true,
        information: 4,
        opcodes: [0x0a],
      }),
    ).toEqual({
      kind: 'sense',
      lu: 't',
      senseKey: 0x0d,
      asc: 0,
      ascq: 2,
      eom: true,
      information: 4,
      opcodes: [0x0a],
    });
  });

  it.each([
    [null, 'a fault is a JSON object'],
    [[1], 'a fault is a JSON object'],
    [{ kind: 'x' }, 'unknown fault kind "x"'],
    [{ kind: 'medium-error', lu: 'd' }, '"lba" must be an integer'],
    [{ kind: 'medium-error', lu: 'd', lba: 1, blocks: 0 }, '"blocks" must be an integer from 1'],
    [{ kind: 'medium-error', lu: 'd', lba: 1, operation: 'erase' }, '"operation" must be read, write or any'],
    [{ kind: 'medium-error', lba: 1 }, '"lu" must be a name'],
    [{ kind: 'tape-medium-error', lu: 't', object: -1 }, '"object" must be an integer from 0'],
    [{ kind: 'delay', lu: 't', ms: 1, opcodes: [256] }, '"opcodes" must be a list of operation codes 0-255'],
    [{ kind: 'delay', lu: 't', ms: 1, times: 0 }, '"times" must be an integer from 1'],
    [{ kind: 'sense', lu: 't', senseKey: 16, asc: 0, ascq: 0 }, '"senseKey" must be an integer from 0 to 15'],
    [{ kind: 'sense', lu: 't', senseKey: 1, asc: 0, ascq: 0, eom: 'yes' }, '"eom" must be true or false'],
    [{ kind: 'status', lu: 't', status: 0 }, 'use a status other than GOOD'],
    [{ kind: 'drop-connection', afterBytes: 1, target: '' }, '"target" must be a name'],
    [{ kind: 'drop-connection', afterBytes: 1, lu: 'x' }, 'unknown field "lu"'],
  ])('%j -> 400 %s', (body, text) => {
    let err: unknown;
    try {
      parseFaultSpec(body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SanOperationError);
    expect((err as SanOperationError).status).toBe(400);
    expect((err as Error).message).toContain(text);
  });
});

describe('ConnectionFaults', () => {
  it('passes exactly N bytes of a matching connection, then cuts it, once', () => {
    const f = new ConnectionFaults();
    f.add(1, { afterBytes: 1000, direction: 'both', times: 1 });
    const c = fakeConn('iqn.2024-01.t:a', 'iqn.2024-01.i:x');
    const tap = f.tapFor(c);
    expect(tap.received(600)).toBe(600);
    expect(tap.sending(400)).toBe(400); // exactly 1000: still open
    expect(tap.received(10)).toBe(0); // the next byte is cut
    expect(f.fired(1)).toBe(1);
    // Fired its one time: another connection is left alone.
    const other = f.tapFor(fakeConn('iqn.2024-01.t:a', 'iqn.2024-01.i:x'));
    expect(other.received(5000)).toBe(5000);
  });

  it('counts only its direction, its target and initiator, and full-feature connections', () => {
    const f = new ConnectionFaults();
    f.add(1, {
      afterBytes: 100,
      direction: 'out',
      target: 'IQN.2024-01.T:A',
      initiator: 'iqn.2024-01.i:x',
      times: 2,
    });
    const login = f.tapFor(fakeConn('iqn.2024-01.t:a', 'iqn.2024-01.i:x', 'login'));
    expect(login.sending(500)).toBe(500);
    const wrongTarget = f.tapFor(fakeConn('iqn.2024-01.t:b', 'iqn.2024-01.i:x'));
    expect(wrongTarget.sending(500)).toBe(500);
    const wrongInitiator = f.tapFor(fakeConn('iqn.2024-01.t:a', 'iqn.2024-01.i:y'));
    expect(wrongInitiator.sending(500)).toBe(500);
    const c1 = f.tapFor(fakeConn('iqn.2024-01.t:a', 'iqn.2024-01.i:x'));
    expect(c1.received(500)).toBe(500);
    expect(c1.sending(60)).toBe(60);
    expect(c1.sending(60)).toBe(40);
    const c2 = f.tapFor(fakeConn('iqn.2024-01.t:a', 'iqn.2024-01.i:x'));
    expect(c2.sending(150)).toBe(100);
    expect(f.fired(1)).toBe(2);
    expect(f.tapFor(fakeConn('iqn.2024-01.t:a', 'iqn.2024-01.i:x')).sending(150)).toBe(150);
    expect(f.remove(1)).toBe(true);
    expect(f.remove(1)).toBe(false);
  });

  it('with several rules the tightest one wins', () => {
    const f = new ConnectionFaults();
    f.add(1, { afterBytes: 300, direction: 'in', times: 1 });
    f.add(2, { afterBytes: 100, direction: 'in', times: 1 });
    const tap = f.tapFor(fakeConn('iqn.2024-01.t:a', 'iqn.2024-01.i:x'));
    expect(tap.received(250)).toBe(100);
    expect([f.fired(1), f.fired(2)]).toEqual([0, 1]);
  });
});
