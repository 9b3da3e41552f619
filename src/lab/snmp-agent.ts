/**
 * The phone's SNMP agent (v1/v2c), only when its settings enable SNMP: sysDescr, sysObjectID, sysUpTime, sysName
 * with the vendor's strings (its lab capability), the community from the settings (factory `public`), and the
 * trusted-manager list.
 */
import { createSocket, type RemoteInfo, type Socket, type SocketType } from 'node:dgram';
import { createRequire } from 'node:module';
import type { PhoneIdentity, SnmpIdentity } from '../model/vendor-lab.js';
import { assertLoopback, isLoopbackV4 } from './loopback.js';
import { GhostguardError } from '../model/errors.js';

interface NetSnmpMib {
  registerProvider(provider: Record<string, unknown>): void;
  setScalarValue(name: string, value: unknown): void;
}
interface NetSnmpAgent {
  getMib(): NetSnmpMib;
  getAuthorizer(): { addCommunity(community: string): void };
  close(callback?: () => void): void;
}
interface NetSnmp {
  createAgent(options: Record<string, unknown>, callback: (error: unknown) => void): NetSnmpAgent;
  MibProviderType: { Scalar: number };
  ObjectType: { OctetString: number; OID: number; TimeTicks: number };
  MaxAccess: Record<string, number>;
}

const snmp = createRequire(import.meta.url)('net-snmp') as NetSnmp;

export interface SnmpAgentOptions {
  ip: string;
  port: number;
  identity: PhoneIdentity;
  /** the vendor's sysObjectID and sysDescr (its lab capability) */
  snmp: SnmpIdentity;
  community: string;
  /** managers allowed to query; empty = any (127/8 only in any case) */
  managers: readonly string[];
}

export class SnmpAgent {
  private agent: NetSnmpAgent | undefined;
  private socket: Socket | undefined;
  private readonly started = Date.now();

  constructor(private readonly options: SnmpAgentOptions) {
    assertLoopback(options.ip, 'SNMP address');
  }

  get port(): number {
    return this.options.port;
  }

  async start(): Promise<void> {
    const { ip, port, managers } = this.options;
    const allowed = (rinfo: RemoteInfo): boolean =>
      isLoopbackV4(rinfo.address) && (managers.length === 0 || managers.includes(rinfo.address));
    let captured: Socket | undefined;
    // net-snmp creates its socket through this module: the wrapper filters sources and lets us await the bind
    const dgramModule = {
      createSocket: (type: SocketType) => {
        const socket = createSocket({ type, reuseAddr: false });
        const on = socket.on.bind(socket) as (event: string, listener: (...args: unknown[]) => void) => Socket;
        (socket as unknown as { on: typeof on }).on = (event, listener) =>
          event === 'message'
            ? on(event, (msg, rinfo) => {
                if (allowed(rinfo as RemoteInfo)) listener(msg, rinfo);
              })
            : on(event, listener);
        captured = socket;
        return socket;
      },
    };
    const agent = snmp.createAgent({ address: ip, port, transport: 'udp4', dgramModule, disableAuthorization: false }, () => undefined);
    const socket = captured as Socket | undefined;
    if (!socket) throw new GhostguardError('GG_ERR_INTERNAL', 'net-snmp did not create a socket');
    await new Promise<void>((resolve, reject) => {
      socket.once('listening', () => resolve());
      socket.once('error', (err) => reject(err));
    }).catch((err: Error) => {
      try {
        agent.close();
      } catch {
        // the socket never bound
      }
      throw new GhostguardError('GG_ERR_LAB_LISTEN', `SNMP ${ip}:${port}: ${err.message}`);
    });
    agent.getAuthorizer().addCommunity(this.options.community);
    this.register(agent);
    this.agent = agent;
    this.socket = socket;
  }

  async stop(): Promise<void> {
    const agent = this.agent;
    const socket = this.socket;
    this.agent = undefined;
    this.socket = undefined;
    if (!agent || !socket) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      agent.close();
    });
  }

  private register(agent: NetSnmpAgent): void {
    const mib = agent.getMib();
    const { identity, snmp: vendor } = this.options;
    const readOnly = snmp.MaxAccess['read-only'];
    const scalar = (
      name: string,
      oid: string,
      scalarType: number,
      value: unknown,
      handler?: (req: { instanceNode: { value: unknown }; done(): void }) => void,
    ) => {
      mib.registerProvider({
        name,
        type: snmp.MibProviderType.Scalar,
        oid,
        scalarType,
        maxAccess: readOnly,
        ...(handler ? { handler } : {}),
      });
      mib.setScalarValue(name, value);
    };
    scalar('sysDescr', '1.3.6.1.2.1.1.1', snmp.ObjectType.OctetString, vendor.sysDescr(identity.model, identity.firmware));
    scalar('sysObjectID', '1.3.6.1.2.1.1.2', snmp.ObjectType.OID, vendor.sysObjectId);
    scalar('sysUpTime', '1.3.6.1.2.1.1.3', snmp.ObjectType.TimeTicks, 0, (req) => {
      req.instanceNode.value = Math.floor((Date.now() - this.started) / 10) % 2 ** 32;
      req.done();
    });
    scalar('sysName', '1.3.6.1.2.1.1.5', snmp.ObjectType.OctetString, `${identity.vendor}-${identity.model}-${identity.mac}`);
  }
}
