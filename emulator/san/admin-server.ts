// The SAN's admin API: HTTP + JSON on a loopback address (node:http, no framework). Every endpoint
// is documented in ADMIN-API.md. Answers are JSON; errors are {"error": "one line"} with 400 (bad
// request), 404 (no such LU, snapshot, cartridge, fault or route), 405 (method), 409 (conflicts
// with the current state, e.g. a full drive) or 500.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getLogger, type Logger } from '../log';
import { parseCartridgeConfig, SanConfigError, type HostPort } from './config';
import { badRequest, SanOperationError } from './errors';
import { parseFaultSpec } from './fault-spec';
import type { EmulatedSan } from './san';

const MAX_BODY = 1024 * 1024;

type Handler = (params: string[], body: unknown) => unknown;

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  /** 201 for creations, 200 otherwise. */
  created?: boolean;
  handler: Handler;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function field(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)[key]
    : undefined;
}

function stringField(body: unknown, key: string): string {
  const v = field(body, key);
  if (typeof v !== 'string' || v.length === 0) throw badRequest(`the body needs "${key}" (a string)`);
  return v;
}

function optBoolField(body: unknown, key: string): boolean | undefined {
  const v = field(body, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`"${key}" must be true or false`);
  return v;
}

function intField(body: unknown, key: string, min: number, max: number): number {
  const v = field(body, key);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw badRequest(`"${key}" must be an integer from ${min} to ${max}`);
  return v;
}

function objectBody(body: unknown, allowed: readonly string[]): void {
  if (body === undefined) return;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('the body must be a JSON object');
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k))
      throw badRequest(`unknown field "${k}" (known: ${allowed.join(', ') || 'none'})`);
  }
}

const NAME = '([^/]+)';

function routes(san: EmulatedSan): Route[] {
  const r = (method: Route['method'], path: string, handler: Handler, created = false): Route => ({
    method,
    pattern: new RegExp(`^${path}$`),
    handler,
    created,
  });
  return [
    r('GET', '/', () => ({ ...san.readyInfo(), dataDir: san.dataDir, sanId: san.sanId })),
    r('GET', '/luns', () => san.listLuns()),
    r('GET', `/luns/${NAME}`, ([lu]) => san.luDetail(lu)),
    r('POST', `/luns/${NAME}/reset`, ([lu], b) => {
      objectBody(b, []);
      san.resetLu(lu);
      return { reset: lu };
    }),
    r('GET', `/luns/${NAME}/snapshots`, ([lu]) => san.listSnapshots(lu)),
    r(
      'POST',
      `/luns/${NAME}/snapshots`,
      ([lu], b) => {
        objectBody(b, ['name']);
        return san.createSnapshot(lu, stringField(b, 'name'));
      },
      true,
    ),
    r('DELETE', `/luns/${NAME}/snapshots/${NAME}`, async ([lu, snap]) => {
      await san.deleteSnapshot(lu, snap);
      return { deleted: snap };
    }),
    r('GET', `/luns/${NAME}/checkpoints`, ([lu]) => san.listCheckpoints(lu)),
    r(
      'POST',
      `/luns/${NAME}/checkpoints`,
      ([lu], b) => {
        objectBody(b, ['name', 'granularityBytes']);
        const g =
          field(b, 'granularityBytes') === undefined
            ? undefined
            : intField(b, 'granularityBytes', 1, 2 ** 31);
        return san.createCheckpoint(lu, stringField(b, 'name'), g);
      },
      true,
    ),
    r('DELETE', `/luns/${NAME}/checkpoints/${NAME}`, async ([lu, cp]) => {
      await san.deleteCheckpoint(lu, cp);
      return { deleted: cp };
    }),
    r('GET', `/luns/${NAME}/checkpoints/${NAME}/changed`, ([lu, cp]) => san.changedExtents(lu, cp)),
    r('GET', '/cartridges', () => san.listCartridges()),
    r(
      'POST',
      '/cartridges',
      (_p, b) => {
        try {
          return san.createCartridge(parseCartridgeConfig(b, 'cartridge'));
        } catch (e) {
          if (e instanceof SanConfigError) throw badRequest(e.message);
          throw e;
        }
      },
      true,
    ),
    r('POST', `/drives/${NAME}/load`, ([d], b) => {
      objectBody(b, ['barcode']);
      return san.loadCartridge(d, stringField(b, 'barcode'));
    }),
    r('POST', `/drives/${NAME}/unload`, ([d], b) => {
      objectBody(b, ['force', 'toShelf']);
      return san.unloadCartridge(d, { force: optBoolField(b, 'force'), toShelf: optBoolField(b, 'toShelf') });
    }),
    r('POST', `/drives/${NAME}/write-protect`, ([d], b) => {
      objectBody(b, ['on']);
      const on = optBoolField(b, 'on');
      if (on === undefined) throw badRequest('the body needs "on" (true or false)');
      san.setWriteProtected(d, on);
      return { writeProtected: on };
    }),
    r('GET', `/changers/${NAME}`, ([c]) => san.changerStatus(c)),
    r('POST', `/changers/${NAME}/move`, ([c], b) => {
      objectBody(b, ['from', 'to']);
      return san.moveInChanger(c, intField(b, 'from', 0, 0xffff), intField(b, 'to', 0, 0xffff));
    }),
    r('POST', `/changers/${NAME}/import`, ([c], b) => {
      objectBody(b, ['barcode']);
      return san.importCartridge(c, stringField(b, 'barcode'));
    }),
    r('POST', `/changers/${NAME}/export`, ([c], b) => {
      objectBody(b, []);
      return san.exportCartridge(c);
    }),
    r('GET', '/faults', () => san.listFaults()),
    r('POST', '/faults', (_p, b) => san.addFault(parseFaultSpec(b)), true),
    r('DELETE', '/faults', () => ({ cleared: san.clearFaults() })),
    r('DELETE', '/faults/([0-9]+)', ([id]) => {
      san.removeFault(Number(id));
      return { deleted: Number(id) };
    }),
  ];
}

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, `body larger than ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text.length === 0) {
        resolve(undefined);
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch (e) {
        reject(new HttpError(400, `body is not JSON: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  });
}

function send(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)) + '\n';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export class AdminServer {
  private readonly server: http.Server;
  private readonly table: Route[];
  private readonly log: Logger;
  private url?: string;

  constructor(private readonly san: EmulatedSan) {
    this.table = routes(san);
    this.log = getLogger('san-admin');
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        this.log.error(`admin: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        if (!res.headersSent) send(res, 500, { error: 'internal error' });
      });
    });
  }

  /** Listen; resolves with "http://host:port" and tells the SAN (GET / and the ready line show it). */
  listen(at: HostPort): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(at.port, at.host, () => {
        this.server.off('error', reject);
        const a = this.server.address() as AddressInfo;
        const host = a.address.includes(':') ? `[${a.address}]` : a.address;
        this.url = `http://${host}:${a.port}`;
        this.san.setAdminUrl(this.url);
        resolve(this.url);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    let pathMatched = false;
    for (const route of this.table) {
      const m = route.pattern.exec(path);
      if (m === null) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      try {
        const params = m.slice(1).map((p) => decodeURIComponent(p));
        const body = await readBody(req);
        const value = await route.handler(params, body);
        send(res, route.created === true ? 201 : 200, value);
      } catch (e) {
        if (e instanceof SanOperationError || e instanceof HttpError)
          send(res, e.status, { error: e.message });
        else if (e instanceof URIError) send(res, 400, { error: `bad path: ${e.message}` });
        else throw e;
      }
      return;
    }
    if (pathMatched) send(res, 405, { error: `${req.method ?? '?'} is not allowed on ${path}` });
    else send(res, 404, { error: `no such endpoint: ${path}` });
  }
}
