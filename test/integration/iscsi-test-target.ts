// Jest hooks shared by the raw-PDU iSCSI tests: one test target for the whole file, and the raw
// clients each test connects, closed after that test.
import { RawIscsiClient, startTestTarget, type TestTarget } from './iscsi-raw-client';

export interface SharedTestTarget {
  /** The target started in beforeAll (throws before that). */
  readonly target: TestTarget;
  /** Connect a raw client to `port` (default: the shared target); it is closed after the test. */
  connect(port?: number): Promise<RawIscsiClient>;
}

/** Call at the top of a test file: registers beforeAll / afterEach / afterAll. */
export function useTestTarget(): SharedTestTarget {
  let started: TestTarget | undefined;
  const clients: RawIscsiClient[] = [];
  const target = (): TestTarget => {
    if (started === undefined) throw new Error('the shared test target is not started yet');
    return started;
  };

  beforeAll(async () => {
    started = await startTestTarget();
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  afterAll(async () => {
    await started?.server.close({ graceMs: 100 });
  });

  return {
    get target(): TestTarget {
      return target();
    },
    async connect(port?: number): Promise<RawIscsiClient> {
      const c = await RawIscsiClient.connect(port ?? target().port);
      clients.push(c);
      return c;
    },
  };
}
