/** The JSON API's audit routes: list and start audits, poll one, the schedules' trend, and a handset check. */
import type { FastifyInstance } from 'fastify';
import { auditChoices, type AuditChoiceFields } from './audit-choices.js';
import { targetList } from './audit-runs.js';
import type { Dashboard } from './context.js';
import { error, finding, idParam, open, runView, targets } from './api-schemas.js';

export function registerAuditApiRoutes(app: FastifyInstance, d: Dashboard): void {
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
            sshPorts: { type: 'string', maxLength: 200, description: 'comma-separated; an SSH banner on one fails ssh-off (default none)' },
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
}
