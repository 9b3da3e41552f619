/**
 * The phone-facing side of one server process: the Digest nonce authority, the connection gate and the provisioning
 * listener(s) — HTTPS, or plain HTTP when allowed, and a plain one beside HTTPS on server.plainPort — assembled from the
 * pieces the composition root already built.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Coordination } from '../cluster/coordination.js';
import type { AbuseGuard } from '../provisioning/abuse-guard.js';
import { buildProvisioningApp } from '../provisioning/app.js';
import type { ConfigSource } from '../provisioning/config-source.js';
import { ConnectionGate, shedEvents } from '../provisioning/connection-gate.js';
import { NonceAuthority } from '../provisioning/digest.js';
import type { EventLog } from '../provisioning/event-log.js';
import { connectionLimits, uploadLimits } from '../provisioning/limits.js';
import { refusedHeaderEvents } from '../provisioning/proxy-listener.js';
import type { RenderService } from '../provisioning/render-service.js';
import type { StockFiles } from '../provisioning/stock-files.js';
import type { TlsMaterial } from '../provisioning/tls.js';
import type { Store } from '../store/store.js';
import type { RuntimeOptions } from './runtime-options.js';

export interface PhoneParts {
  masterKey: Buffer;
  config: ConfigSource;
  store: Store;
  events: EventLog;
  tls: TlsMaterial | undefined;
  guard: AbuseGuard;
  coordination: Coordination;
  renderer: RenderService;
  /** server.stockFiles as last loaded */
  stockFiles: () => StockFiles;
  options: RuntimeOptions;
}

export interface PhoneListeners {
  app: FastifyInstance;
  plainApp?: FastifyInstance;
  nonces: NonceAuthority;
  gate: ConnectionGate;
}

export function buildPhoneListeners(p: PhoneParts): PhoneListeners {
  const { config, events, coordination, options } = p;
  const settings = config.inventory.config.server;
  const nonces = new NonceAuthority(
    createHmac('sha256', p.masterKey).update('digest-nonce').digest(),
    options.clock,
    `w${options.workerId ?? 0}`,
  );
  const deps = {
    vendors: options.vendors,
    inventory: () => config.inventory,
    store: p.store,
    events,
    guard: p.guard,
    nonces,
    renderer: p.renderer,
    stockFiles: p.stockFiles,
    now: options.clock && (() => new Date(options.clock!())),
    // a lone process's NonceAuthority already counts; others claim each verified count before serving
    claimNonce: coordination.scope === 'process' ? undefined : (nonce: string, count: number) => coordination.claimNonce(nonce, count),
    onFetch: options.serverLog?.fetch.bind(options.serverLog),
  };
  const connections = connectionLimits(settings);
  const gate = new ConnectionGate(
    connections,
    shedEvents((source, detail) => events.emit({ reason: 'connection-limit', source, detail })),
  );
  const base = {
    logger: options.logger,
    allowPlainHttp: settings.allowPlainHttp,
    pinSource: settings.pinSource,
    gate,
    idleMs: connections.idleMs,
    ...uploadLimits(settings),
    ...(settings.proxyProtocol && {
      proxyProtocol: {
        from: settings.proxyProtocol.from,
        onRefused: refusedHeaderEvents((source, detail) => events.emit({ reason: 'proxy-header-refused', source, detail })),
      },
    }),
  };
  const { tls } = p;
  const app = buildProvisioningApp(deps, { ...base, ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}) });
  const plainApp = tls && settings.plainPort !== undefined ? buildProvisioningApp(deps, { ...base, allowPlainHttp: true }) : undefined;
  return { app, plainApp, nonces, gate };
}
