/** The JSON API: the dashboard's data for scripts, described by /api/openapi.json (@fastify/swagger). */
import type { FastifyInstance } from 'fastify';
import { GhostguardError } from '../model/errors.js';
import { parseMac } from '../model/mac.js';
import { SECURITY_REASON_LIST } from '../model/security-events.js';
import type { SecurityReason } from '../store/store.js';
import type { Dashboard } from './context.js';
import { deviceDetail } from './device-detail.js';
import { DEVICE_STATES } from './device-row.js';
import { fleetOverview, type FleetFilter } from './fleet.js';
import { deviceRow, error, macParam, open } from './api-schemas.js';
import { registerAuditApiRoutes } from './routes-api-audits.js';

export function registerApiRoutes(app: FastifyInstance, d: Dashboard): void {
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/api/devices',
    {
      schema: {
        tags: ['fleet'],
        summary: 'Inventory devices with their state, and counts by site, vendor and state',
        querystring: {
          type: 'object',
          properties: {
            site: { type: 'string', maxLength: 100 },
            vendor: { type: 'string', maxLength: 100 },
            state: { type: 'string', enum: [...DEVICE_STATES] },
            q: { type: 'string', maxLength: 100, description: 'MAC, extension or model contains' },
            limit: { type: 'integer', minimum: 1, maximum: 100000, default: 5000 },
          },
        },
        response: { 200: open('Fleet overview', { total: { type: 'integer' }, devices: { type: 'array', items: deviceRow } }), 401: error },
      },
    },
    async (req) => {
      const q = req.query as FleetFilter & { limit: number };
      const filter: FleetFilter = {};
      for (const k of ['site', 'vendor', 'state', 'q'] as const) if (q[k]) filter[k] = q[k];
      return fleetOverview(d.fleet(), filter, q.limit);
    },
  );

  app.get(
    '/api/devices/:mac',
    {
      schema: {
        tags: ['fleet'],
        summary:
          'One device: lines, enrolment, fetch history, provisioning status, last audit, rendered config (secrets masked) and its diff against what was last served',
        params: macParam,
        response: { 200: open('Device detail'), 404: error, 401: error },
      },
    },
    async (req, reply) => {
      const mac = parseMac((req.params as { mac: string }).mac);
      const detail = mac ? await deviceDetail(d.fleet(), mac) : undefined;
      if (!detail) return reply.code(404).send({ error: 'not-found', message: 'no device with that MAC address in the inventory' });
      detail.events = d.maskEvents(detail.events);
      return detail;
    },
  );

  app.get(
    '/api/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Security events, newest first',
        querystring: {
          type: 'object',
          properties: {
            reason: { type: 'string', enum: [...SECURITY_REASON_LIST] },
            mac: { type: 'string', maxLength: 17 },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 200 },
          },
        },
        response: {
          200: open('Events', {
            events: {
              type: 'array',
              items: open('A security event', { ts: { type: 'string' }, reason: { type: 'string' }, severity: { type: 'string' } }),
            },
          }),
          400: error,
          401: error,
        },
      },
    },
    async (req) => {
      const q = req.query as { reason?: SecurityReason; mac?: string; limit: number };
      const mac = q.mac ? parseMac(q.mac) : undefined;
      if (q.mac && !mac) throw new GhostguardError('GG_ERR_MAC_INVALID', `not a MAC address: ${q.mac}`);
      return {
        events: d.maskEvents(
          await d.options.store.events({ ...(q.reason ? { reason: q.reason } : {}), ...(mac ? { mac } : {}), limit: q.limit }),
        ),
      };
    },
  );

  registerAuditApiRoutes(app, d);

  app.get(
    '/api/status',
    {
      schema: {
        tags: ['server'],
        summary: 'This server process: inventory size, render cache use (for sizing server.renderCacheMb), memory, history writer health',
        response: {
          200: open('Server status', {
            devices: { type: 'integer' },
            inventoryVersion: { type: 'integer' },
            uptimeSeconds: { type: 'number' },
            renderCache: {
              type: 'object',
              description: 'entries and bytes held, the budget, and requests answered from it (hits) or rendered (misses) since start',
              properties: Object.fromEntries(['entries', 'bytes', 'maxBytes', 'hits', 'misses'].map((k) => [k, { type: 'integer' }])),
            },
            templates: {
              type: 'object',
              description:
                'device files filled from a compiled template, sent down the full render path instead, templates built and refused, shapes and bytes held',
              properties: Object.fromEntries(
                ['filled', 'fallbacks', 'built', 'refused', 'shapes', 'bytes'].map((k) => [k, { type: 'integer' }]),
              ),
            },
            memoryMb: {
              type: 'object',
              properties: { rss: { type: 'number' }, heapUsed: { type: 'number' }, external: { type: 'number' } },
            },
            historyWriteError: { type: 'string' },
            database: {
              type: 'object',
              description:
                'the state database (sqlite or postgres), whether the last write reached it, fetch-history and event records held in memory for it, records dropped (beyond server.historyQueue while it was away), and that bound',
              properties: {
                backend: { type: 'string' },
                reachable: { type: 'boolean' },
                queued: { type: 'integer' },
                dropped: { type: 'integer' },
                limit: { type: 'integer' },
              },
            },
            coordination: {
              type: 'object',
              description:
                'what this process shares through (process, workers, postgres), whether that is reachable now, and whether it runs the schedules',
              properties: { scope: { type: 'string' }, connected: { type: 'boolean' }, leader: { type: 'boolean' } },
            },
            replicas: {
              type: 'array',
              description:
                'the replicas serving this installation (one on SQLite) and the configuration version (sha256 prefix) each serves',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' },
                  inventoryVersion: { type: 'string' },
                  seenAt: { type: 'string' },
                  self: { type: 'boolean' },
                },
              },
            },
          }),
          401: error,
        },
      },
    },
    async () => {
      const inventory = d.options.inventory();
      const m = process.memoryUsage();
      const mb = (n: number) => Math.round(n / 1048576);
      const writeError = d.options.store.historyWriteError;
      return {
        devices: inventory.devices.length,
        inventoryVersion: inventory.version,
        uptimeSeconds: Math.round(process.uptime()),
        renderCache: d.renderer.stats,
        templates: d.renderer.templateCounts,
        memoryMb: { rss: mb(m.rss), heapUsed: mb(m.heapUsed), external: mb(m.external) },
        ...(writeError ? { historyWriteError: writeError } : {}),
        database: d.options.store.queueStatus(),
        ...(d.options.coordination ? { coordination: d.options.coordination() } : {}),
        ...(d.options.replicas ? { replicas: await d.options.replicas().catch(() => []) } : {}),
      };
    },
  );
}
