/** OpenAPI schemas the JSON API's routes share (described at /api/openapi.json). */
import { DEVICE_STATES } from './device-row.js';

export const error = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;
export const open = (description: string, properties: Record<string, unknown> = {}) => ({
  type: 'object',
  description,
  additionalProperties: true,
  properties,
});

export const deviceRow = open('One inventory device and its state', {
  mac: { type: 'string' },
  vendor: { type: 'string' },
  model: { type: 'string' },
  site: { type: 'string' },
  extensions: { type: 'array', items: { type: 'string' } },
  disabled: { type: 'boolean' },
  state: { type: 'string', enum: [...DEVICE_STATES] },
  stateReason: { type: 'string' },
});

export const runView = open('An audit run (handset checks are runs of one host)', {
  id: { type: 'integer' },
  status: { type: 'string', enum: ['running', 'finished', 'failed', 'interrupted'] },
  startedAt: { type: 'string' },
  finishedAt: { type: 'string' },
  targets: { type: 'array', items: { type: 'string' } },
  progress: { type: 'object', properties: { done: { type: 'integer' }, total: { type: 'integer' }, phones: { type: 'integer' } } },
});

export const finding = open('One check on one host', {
  host: { type: 'string' },
  mac: { type: 'string' },
  rule: { type: 'string' },
  state: { type: 'string' },
  severity: { type: 'string' },
  evidence: { type: 'array', items: { type: 'string' } },
  fix: { type: 'array', items: { type: 'string' } },
});

export const macParam = { type: 'object', required: ['mac'], properties: { mac: { type: 'string', maxLength: 17 } } } as const;
export const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
export const targets = {
  anyOf: [
    { type: 'string', maxLength: 4000 },
    { type: 'array', maxItems: 256, items: { type: 'string', maxLength: 200 } },
  ],
} as const;
