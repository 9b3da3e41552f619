/** Scheduled audits: config-driven runs, change detection between runs, signed webhook notifications, trend history. */
export { AuditScheduler, type ScheduleStatus } from './scheduler.js';
export { scheduleSignature, webhookSecret } from './schedule-config.js';
export type { SchedulerDeps, ScheduleRunResult } from './schedule-types.js';
export { auditChanges, devicesOf, exposedCount, unknownDeviceCount, CHANGE_KINDS, type ChangeKind, type ScheduleChange, type ChangeOptions, type ChangeResult } from './changes.js';
export { deliverWebhook, signBody, verifySignature, webhookBody, redactUrl, WEBHOOK_EVENT, SIGNATURE_TOLERANCE_SECONDS, DELIVERY_DEFAULTS, type WebhookPayload, type DeliveryOptions, type DeliveryResult, type AttemptRecord } from './webhook.js';
export type { ScheduleRunRecord, DeliveryState } from '../store/store.js';
export { formatScheduleLog, formatDuration, ScheduleLogFile, type ScheduleLog, type ScheduleLogEntry } from './log.js';
export { scheduleTrend, type TrendSeries, type TrendPoint } from './trend.js';
