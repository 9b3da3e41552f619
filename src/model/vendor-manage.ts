/**
 * The phone-management capability of a vendor adapter: make a phone fetch its configuration again (resync) or
 * restart (reboot) through the vendor's documented management interface. Types only: the adapters in vendors/
 * implement it, the resync command and the dashboard drive it. A model or firmware without a verified method says
 * why in `unsupported` and nothing is sent.
 */
import type { HttpClient } from './http-exchange.js';
import type { Credentials } from './vendor-audit.js';

export const PHONE_ACTIONS = ['resync', 'reboot'] as const;
/** resync: fetch the configuration files again and apply them; reboot: restart the phone (it fetches them at start) */
export type PhoneAction = (typeof PHONE_ACTIONS)[number];

/** One request the action sends, for a dry run: no secret in it. */
export interface ManageStep {
  method: 'GET' | 'POST';
  /** path and query as sent, with any session id shown as `<sid>` */
  path: string;
  /** how the request authenticates, in words ("HTTP Basic, user Polycom") */
  auth: string;
}

export type ManagePlan =
  | { supported: true; interface: string; steps: ManageStep[]; caveat?: string }
  | { supported: false; reason: string };

export interface ManageSession {
  client: HttpClient;
  /** scheme://host:port of the phone's web interface */
  origin: string;
  credentials: Credentials;
  signal?: AbortSignal;
}

/** sent: the phone accepted the request; refused: the login was not accepted; failed: anything else (with why) */
export interface ManageOutcome {
  result: 'sent' | 'refused' | 'failed';
  detail: string;
}

export interface PhoneManagement {
  plan(action: PhoneAction, model: string, firmware?: string): ManagePlan;
  send(action: PhoneAction, session: ManageSession): Promise<ManageOutcome>;
}
