/**
 * The secrets derived from the master key for every device of an inventory, each derived once and kept as bytes in
 * one buffer: the admin and user passwords, the provisioning password and each line's SIP password, at the generation
 * last asked for: 52 bytes per device and 20 per line, where a memo of strings and resolved objects held several
 * hundred (and, being bounded, re-derived a device's secrets whenever the fleet outgrew it).
 */
import type { Device } from './config-types.js';
import { deriveSecret } from './secret-spec.js';

const ADMIN = 16;
const USER = 16;
const PROVISIONING = 20;
const SIP = 20;
const NOT_DERIVED = -1;

export class DeviceSecrets {
  private readonly bytes: Buffer;
  /** where each device's secrets start: admin, user, provisioning, then one SIP password per line */
  private readonly offsets: Int32Array;
  /** the generation each slot was derived at (NOT_DERIVED: not yet) */
  private readonly fixed: Int32Array;
  private readonly provisioningGeneration: Int32Array;
  private readonly sipGeneration: Int32Array;

  constructor(
    private readonly masterKey: Buffer,
    /** a device's slot is its position here */
    private readonly devices: readonly Pick<Device, 'mac' | 'lines'>[],
  ) {
    const n = devices.length;
    this.offsets = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) this.offsets[i + 1] = this.offsets[i]! + ADMIN + USER + PROVISIONING + SIP * devices[i]!.lines.length;
    this.bytes = Buffer.alloc(this.offsets[n]!);
    this.fixed = new Int32Array(n).fill(NOT_DERIVED);
    this.provisioningGeneration = new Int32Array(n).fill(NOT_DERIVED);
    this.sipGeneration = new Int32Array(n).fill(NOT_DERIVED);
  }

  /** bytes held, for the memory breakdown */
  get size(): number {
    return this.bytes.length + 4 * (this.offsets.length + 3 * this.fixed.length);
  }

  private read(at: number, length: number): string {
    return this.bytes.toString('latin1', at, at + length);
  }

  private store(at: number, secret: string): void {
    this.bytes.write(secret, at, 'latin1');
  }

  adminPassword(slot: number): string {
    this.deriveFixed(slot);
    return this.read(this.offsets[slot]!, ADMIN);
  }

  userPassword(slot: number): string {
    this.deriveFixed(slot);
    return this.read(this.offsets[slot]! + ADMIN, USER);
  }

  provisioningPassword(slot: number, generation: number): string {
    const at = this.offsets[slot]! + ADMIN + USER;
    if (this.provisioningGeneration[slot] !== generation) {
      this.store(at, deriveSecret(this.masterKey, `prov:${generation}`, this.devices[slot]!.mac));
      this.provisioningGeneration[slot] = generation;
    }
    return this.read(at, PROVISIONING);
  }

  sipPassword(slot: number, line: number, generation: number): string {
    const first = this.offsets[slot]! + ADMIN + USER + PROVISIONING;
    if (this.sipGeneration[slot] !== generation) {
      const { mac, lines } = this.devices[slot]!;
      for (const [i, line] of lines.entries())
        this.store(first + SIP * i, deriveSecret(this.masterKey, `sip:${generation}:${line.authUser}`, mac));
      this.sipGeneration[slot] = generation;
    }
    return this.read(first + SIP * line, SIP);
  }

  private deriveFixed(slot: number): void {
    if (this.fixed[slot] !== NOT_DERIVED) return;
    const at = this.offsets[slot]!;
    const mac = this.devices[slot]!.mac;
    this.store(at, deriveSecret(this.masterKey, 'admin', mac, ADMIN));
    this.store(at + ADMIN, deriveSecret(this.masterKey, 'user', mac, USER));
    this.fixed[slot] = 0;
  }
}
