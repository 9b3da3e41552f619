/**
 * One emulated phone: identity, effective settings, and the services those settings switch on — SIP on UDP
 * (one listener per listening account), the vendor's web interface, and SNMP when enabled.
 */
import type { Mac } from '../model/mac.js';
import type { PhoneAction } from '../model/vendor-manage.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { PhoneBehaviour, PhoneIdentity, ProfileContext, VendorLab } from '../model/vendor-lab.js';
import { labTls } from './lab-tls.js';
import { assertLoopback } from './loopback.js';
import { bootPhone, type BootReport } from './phone-boot.js';
import { PhoneState, type FileOutcome } from './phone-state.js';
import { phoneExpectation, type PhoneManifest } from './phone-manifest.js';
import type { SipClass } from './sip-classes.js';
import { SipEndpoint } from './sip-endpoint.js';
import { SnmpAgent } from './snmp-agent.js';
import { WebInterface } from './web-interface.js';
import { GhostguardError } from '../model/errors.js';

export const DEFAULT_HTTP_PORT = 8080;
export const DEFAULT_HTTPS_PORT = 8443;
export const DEFAULT_SNMP_PORT = 1161;
/** a management request is answered before the phone restarts its services and fetches its files */
const REMOTE_BOOT_DELAY_MS = 50;

export interface PhoneSpec {
  /** adapter id */
  vendor: string;
  model: string;
  firmware: string;
  mac: Mac;
  ip: string;
  /** never provisioned: keeps the vendor's factory defaults */
  factory: boolean;
  httpPort?: number;
  /** the web UI's HTTPS port, when the settings leave HTTPS on */
  httpsPort?: number;
  /** SNMP listens here (the settings' port, usually 161, needs root) */
  snmpPort?: number;
  ringTimeoutMs?: number;
  factoryAdminPassword?: string;
  /** settings made on the phone itself (web UI / keypad), applied at power-on before provisioning */
  presets?: readonly { fileName: string; body: string }[];
  /** a vendor-neutral behaviour class for strangers' INVITEs (sip-classes.ts) */
  sipClass?: SipClass;
}

export class EmulatedPhone {
  readonly state: PhoneState;
  readonly identity: PhoneIdentity;
  private readonly lab: VendorLab;
  lastBoot: BootReport | undefined;
  /** management requests (resync, reboot) the phone accepted over its web interface, oldest first */
  readonly remoteActions: PhoneAction[] = [];
  private bootFrom: { serverUrl: string; options: { ca?: string; timeoutMs?: number } } | undefined;
  private sip: SipEndpoint[] = [];
  private web: WebInterface[] = [];
  private started = false;
  private snmp: SnmpAgent | undefined;
  private readonly errors: string[] = [];

  constructor(
    readonly spec: PhoneSpec,
    readonly adapter: VendorAdapter,
  ) {
    assertLoopback(spec.ip, 'phone address');
    if (adapter.id !== spec.vendor) throw new GhostguardError('GG_ERR_INTERNAL', `adapter ${adapter.id} does not emulate ${spec.vendor}`);
    const model = adapter.models.find((m) => m.id === spec.model);
    if (!model) throw new GhostguardError('GG_ERR_MODEL_UNKNOWN', `unknown ${spec.vendor} model ${spec.model}`);
    this.identity = { vendor: spec.vendor, model: spec.model, firmware: spec.firmware, mac: spec.mac };
    const ctx: ProfileContext = {
      model: spec.model,
      firmware: spec.firmware,
      accounts: model.accounts,
      ...(spec.factoryAdminPassword ? { factoryAdminPassword: spec.factoryAdminPassword } : {}),
    };
    if (!adapter.lab) throw new GhostguardError('GG_ERR_LAB_INVALID', `${adapter.displayName} phones are not emulated (no lab capability)`);
    this.lab = adapter.lab;
    this.state = new PhoneState(this.lab.profile, ctx);
    for (const preset of spec.presets ?? []) this.applyFile(preset.fileName, preset.body);
  }

  private get httpPort(): number {
    return this.spec.httpPort ?? DEFAULT_HTTP_PORT;
  }

  private get httpsPort(): number {
    return this.spec.httpsPort ?? DEFAULT_HTTPS_PORT;
  }

  get ip(): string {
    return this.spec.ip;
  }

  get vendor(): string {
    return this.spec.vendor;
  }

  get model(): string {
    return this.spec.model;
  }

  get firmware(): string {
    return this.spec.firmware;
  }

  get mac(): Mac {
    return this.spec.mac;
  }

  get factory(): boolean {
    return this.spec.factory;
  }

  get running(): boolean {
    return this.started;
  }

  behaviour(): PhoneBehaviour {
    return this.state.behaviour();
  }

  /** A config file applied locally (web-UI import): parsed and checked like a provisioned one. */
  applyFile(fileName: string, body: string): FileOutcome {
    const { profile, ctx } = this.state;
    const check = profile.checkFile ? (b: string) => profile.checkFile!(b, ctx, this.identity.mac) : undefined;
    const outcome = this.state.applyBody(fileName, body, (b) => this.adapter.read(b), check);
    if (!outcome.ok) this.errors.push(`${fileName}: ${outcome.reason}`);
    return outcome;
  }

  /**
   * Fetch and apply the vendor's boot files; a running phone restarts its services with the new settings.
   * Without a server the phone finds nothing to fetch and keeps its settings (a phone with no provisioning URL).
   */
  async boot(serverUrl?: string, options: { ca?: string; timeoutMs?: number } = {}): Promise<BootReport> {
    if (!serverUrl) return { server: '', files: [], errors: [], provisioned: false, durationMs: 0 };
    this.bootFrom = { serverUrl, options };
    const report = await bootPhone(this.identity, this.adapter, this.state, { serverUrl, localAddress: this.ip, ...options });
    this.lastBoot = report;
    if (this.running) {
      await this.stop();
      await this.start();
    }
    return report;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const b = this.behaviour();
    const agent = this.state.profile.sipAgent(this.state.ctx);
    try {
      for (const listener of b.sipListeners) {
        const endpoint = new SipEndpoint({
          ip: this.ip,
          listener,
          agent,
          behaviour: () => this.behaviour(),
          ...(this.spec.ringTimeoutMs ? { ringTimeoutMs: this.spec.ringTimeoutMs } : {}),
          ...(this.spec.sipClass ? { sipClass: this.spec.sipClass } : {}),
        });
        await endpoint.start();
        this.sip.push(endpoint);
      }
      const context = {
        identity: this.identity,
        ip: this.ip,
        profile: this.state.profile,
        behaviour: () => this.behaviour(),
        settings: () => this.state.effective,
        requestBoot: (action: PhoneAction) => this.requestBoot(action),
      };
      if (b.web.http) this.web.push(new WebInterface(context, this.lab.web, this.httpPort));
      if (b.web.https) this.web.push(new WebInterface(context, this.lab.web, this.httpsPort, await labTls()));
      for (const web of this.web) await web.start();
      this.started = true;
      if (b.snmpEnabled) {
        const snmp = new SnmpAgent({
          ip: this.ip,
          port: this.spec.snmpPort ?? DEFAULT_SNMP_PORT,
          identity: this.identity,
          snmp: this.lab.snmp,
          community: b.snmpCommunity,
          managers: b.snmpManagers,
        });
        await snmp.start();
        this.snmp = snmp;
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    const closing: Promise<void>[] = [...this.sip, ...this.web].map((s) => s.stop());
    if (this.snmp) closing.push(this.snmp.stop());
    this.sip = [];
    this.web = [];
    this.started = false;
    this.snmp = undefined;
    await Promise.all(closing);
  }

  /** After the web answer is on its way, boot again from the last server; a failed boot is in lastBoot's errors. */
  private requestBoot(action: PhoneAction): boolean {
    const from = this.bootFrom;
    if (!from) return false;
    this.remoteActions.push(action);
    setTimeout(() => void this.boot(from.serverUrl, from.options).catch(() => undefined), REMOTE_BOOT_DELAY_MS);
    return true;
  }

  /** the SIP endpoints, for tests and the auditor's ground truth (call counts, request log) */
  get sipEndpoints(): readonly SipEndpoint[] {
    return this.sip;
  }

  manifest(): PhoneManifest {
    const b = this.behaviour();
    return {
      ...this.identity,
      ip: this.ip,
      factory: this.spec.factory,
      ...(b.sipListeners[0] ? { sipPort: b.sipListeners[0].port } : {}),
      sipPorts: b.sipListeners.map((l) => l.port),
      ...(b.web.http ? { httpPort: this.httpPort } : {}),
      ...(b.web.https ? { httpsPort: this.httpsPort } : {}),
      ...(b.snmpEnabled ? { snmpPort: this.spec.snmpPort ?? DEFAULT_SNMP_PORT } : {}),
      provisioned: this.lastBoot?.provisioned ?? false,
      errors: [...this.errors, ...(this.lastBoot?.errors ?? [])],
      ...(this.spec.sipClass ? { sipClass: this.spec.sipClass } : {}),
      expect: phoneExpectation(b, this.spec.sipClass, this.spec.factory),
    };
  }
}
