// A conformance check: an id, a title, and a body that returns a detail line when the copy manager
// passes, throws CheckFailure (with the sense it saw) when it does not, and NotAdvertised when the
// copy manager does not claim what the check needs.
import type { RunContext } from './context';

export interface CheckSpec {
  id: string;
  title: string;
  run(ctx: RunContext): Promise<string>;
}
