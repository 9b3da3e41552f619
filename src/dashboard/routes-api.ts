/** The JSON API: the dashboard's data for scripts, described by /api/openapi.json (@fastify/swagger). */
import type { FastifyInstance } from 'fastify';
import { GhostguardError } from '../model/errors.js';
import { parseMac } from '../model/mac.js';
import { SECURITY_REASON_LIST } from '../model/security-events.js';
import type { SecurityReason } from '../store/store.js';
import { auditChoices, type AuditChoiceFields } from './audit-choices.js';
import { targetList } from './audit-runs.js';
import type { Dashboard } from './context.js';
import { deviceDetail } from './device-detail.js';
import { DEVICE_STATES } from './device-row.js';
import { fleetOverview, type FleetFilter } from './fleet.js';

const error = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;
const open = (description: string, properties: Record<string, unknown> = {}) => ({
  type: 'object',
  description,
  additionalProperties: true,
  properties,
});

const deviceRow = open('One inventory device and its state', {
  mac: { type: 'string' },
  vendor: { type: 'string' },
  model: { type: 'string' },
  site: { type: 'string' },
  extensions: { type: 'array', items: { type: 'string' } },
  disabled: { type: 'boolean' },
  state: { type: 'string', enum: [...DEVICE_STATES] },
  stateReason: { type: 'string' },
});

const runView = open('An audit run (handset checks are runs of one host)', {
  id: { type: 'integer' },
  status: { type: 'string', enum: ['running', 'finished', 'failed', 'interrupted'] },
  startedAt: { type: 'string' },
  finishedAt: { type: 'string' },
  targets: { type: 'array', items: { type: 'string' } },
  progress: { type: 'object', properties: { done: { type: 'integer' }, total: { type: 'integer' }, phones: { type: 'integer' } } },
});

const finding = open('One check on one host', {
  host: { type: 'string' },
  mac: { type: 'string' },
  rule: { type: 'string' },
  state: { type: 'string' },
  severity: { type: 'string' },
  evidence: { type: 'array', items: { type: 'string' } },
  fix: { type: 'array', items: { type: 'string' } },
});

const macParam = { type: 'object', required: ['mac'], properties: { mac: { type: 'string', maxLength: 17 } } } as const;
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const targets = {
  anyOf: [
    { type: 'string', maxLength: 4000 },
    { type: 'array', maxItems: 256, items: { type: 'string', maxLength: 200 } },
  ],
} as const;

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

  app.get(
    '/api/audits',
    {
      schema: {
        tags: ['audits'],
        summary: 'Recent audit runs, newest first',
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } } },
        response: { 200: open('Runs', { runs: { type: 'array', items: runView } }), 401: error },
      },
    },
    async (req) => ({ runs: await d.runner.list((req.query as { limit: number }).limit) }),
  );

  app.post(
    '/api/audits',
    {
      schema: {
        tags: ['audits'],
        summary:
          "Start an audit; poll GET /api/audits/{id} for progress and findings. Ports and login options as the CLI's; intrusive sends the non-ringing INVITE probe",
        body: {
          type: 'object',
          required: ['targets'],
          additionalProperties: false,
          properties: {
            targets,
            exclude: targets,
            sipPorts: { type: 'string', maxLength: 200, description: "comma-separated, default 5060 and the policy's ports" },
            httpPorts: { type: 'string', maxLength: 200, description: 'default 80' },
            httpsPorts: { type: 'string', maxLength: 200, description: 'default 443' },
            snmpPort: { type: 'integer', minimum: 1, maximum: 65535, description: 'default 161' },
            intrusive: { type: 'boolean', description: 'send the non-ringing INVITE probe (default false)' },
            defaultLogin: { type: 'boolean', description: 'try the factory web login once per phone (default true)' },
            plainHttpLogin: { type: 'boolean', description: 'allow provisioned admin passwords over plain HTTP (default false)' },
          },
        },
        response: {
          202: open('The run was started', { id: { type: 'integer' }, status: { type: 'string' }, url: { type: 'string' } }),
          400: error,
          401: error,
          403: error,
        },
      },
    },
    async (req, reply) => {
      const body = req.body as { targets: string | string[]; exclude?: string | string[] } & AuditChoiceFields;
      const id = await d.startAudit(
        targetList(body.targets),
        body.exclude === undefined ? [] : targetList(body.exclude),
        req.ip,
        auditChoices(body),
      );
      return reply.code(202).send({ id, status: 'running', url: `/api/audits/${id}` });
    },
  );

  app.get(
    '/api/audits/trend',
    {
      schema: {
        tags: ['audits'],
        summary:
          'Scheduled audits: per schedule, its recent runs (oldest first) with hosts, phones, exposed phones, failing findings and changes',
        querystring: {
          type: 'object',
          properties: {
            schedule: { type: 'string', maxLength: 63, description: 'one schedule by name (default: every schedule)' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 30, description: 'runs per schedule' },
          },
        },
        response: {
          200: open('Trend per schedule', {
            series: {
              type: 'array',
              items: open('One schedule', {
                schedule: { type: 'string' },
                configured: { type: 'boolean' },
                everySeconds: { type: 'integer' },
                targets: { type: 'array', items: { type: 'string' } },
                points: {
                  type: 'array',
                  items: open('One run of the schedule', {
                    runId: { type: 'integer' },
                    startedAt: { type: 'string' },
                    finishedAt: { type: 'string' },
                    complete: { type: 'boolean' },
                    hosts: { type: 'integer' },
                    phones: { type: 'integer' },
                    exposed: { type: 'integer', description: 'devices whose ghost-call verdict is rings or likely-rings' },
                    failing: { type: 'integer', description: 'failing findings, every check' },
                    unknownDevices: { type: 'integer' },
                    changes: { type: 'integer' },
                    delivery: { type: 'string', enum: ['none', 'log-only', 'delivered', 'failed', 'skipped'] },
                  }),
                },
              }),
            },
          }),
          401: error,
        },
      },
    },
    async (req) => {
      const q = req.query as { schedule?: string; limit: number };
      return { series: await d.trend({ ...(q.schedule ? { schedule: q.schedule } : {}), limit: q.limit }) };
    },
  );

  app.get(
    '/api/audits/:id',
    {
      schema: {
        tags: ['audits'],
        summary: 'One audit run: status and progress; its findings once it has finished',
        params: idParam,
        response: { 200: open('Run', { ...runView.properties, findings: { type: 'array', items: finding } }), 404: error, 401: error },
      },
    },
    async (req, reply) => {
      const id = (req.params as { id: number }).id;
      const run = await d.runner.view(id);
      if (!run) return reply.code(404).send({ error: 'not-found', message: 'no audit run with that number' });
      return { ...run, findings: run.status === 'running' ? [] : await d.runner.findings(id) };
    },
  );

  app.post(
    '/api/check',
    {
      schema: {
        tags: ['check'],
        summary: 'Check one handset by IP or MAC address: verdict, identity, failing rules with fixes, provisioning history',
        body: {
          type: 'object',
          required: ['target'],
          additionalProperties: false,
          properties: {
            target: { type: 'string', minLength: 1, maxLength: 64 },
            safe: { type: 'boolean', description: 'skip the non-ringing INVITE probe (default false: sent whenever SIP answers)' },
          },
        },
        response: {
          200: open('The check result', {
            target: { type: 'string' },
            verdict: {
              type: 'object',
              properties: {
                status: { type: 'string' },
                headline: { type: 'string' },
                reasons: { type: 'array', items: { type: 'string' } },
              },
            },
            ghostCall: {
              type: 'object',
              description: 'the ghost-call verdict, as in the audit JSON',
              properties: {
                verdict: { type: 'string', enum: ['rings', 'likely-rings', 'refuses', 'ignores', 'unknown'] },
                evidence: { type: 'array', items: { type: 'string' } },
                howToTell: { type: 'string' },
              },
            },
            inviteProbe: {
              type: 'object',
              properties: { sent: { type: 'boolean' }, users: { type: 'array', items: { type: 'string' } }, note: { type: 'string' } },
            },
          }),
          400: error,
          401: error,
          403: error,
        },
      },
    },
    async (req) => {
      const body = req.body as { target: string; safe?: boolean };
      return d.check(body.target, req.ip, { safe: body.safe === true });
    },
  );

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
              properties: { entries: { type: 'integer' }, bytes: { type: 'integer' }, maxBytes: { type: 'integer' } },
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
        ...(d.options.coordination ? { coordination: d.options.coordination() } : {}),
        ...(d.options.replicas ? { replicas: await d.options.replicas().catch(() => []) } : {}),
      };
    },
  );
}
