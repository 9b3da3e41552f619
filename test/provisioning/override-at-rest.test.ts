/** Secrets at rest: a Poly override uploaded over HTTPS (127.123.13.1) is stored with its secret-named values masked. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMac } from '../../src/model/mac.js';
import { socketTransport } from '../helpers/phone-transport.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';

const MAC = '00:04:f2:00:0d:01';

describe('stored overrides', () => {
  it('keep settings as evidence but never a password, PIN or key the phone uploaded', async () => {
    const { runtime, dir } = await startRuntime(fleetYaml([{ mac: MAC, vendor: 'polycom', model: 'VVX_400' }]));
    const transport = socketTransport();
    try {
      await transport.started(runtime);
      const mac = parseMac(MAC)!;
      const body =
        '<?xml version="1.0"?><PHONE_CONFIG><OVERRIDES reg.1.auth.password="Hunter2-uploaded" device.auth.localAdminPassword=\'Adm1n-uploaded\' voIpProt.SIP.requestValidation.1.method="" up.backlight.idleIntensity="1" /></PHONE_CONFIG>';
      const res = await transport.send(runtime, '127.123.13.1', {
        method: 'PUT',
        url: `/${mac}-phone.cfg`,
        payload: body,
        headers: { 'user-agent': 'FileTransport PolycomVVX-VVX_400-UA/6.4.1.2280 Type/Application', 'content-type': 'text/xml' },
      });
      expect(res.statusCode).toBe(204);
      const stored = (await runtime.store.overrides(mac))[0]!;
      expect(stored.body).toContain('reg.1.auth.password="***"');
      expect(stored.body).toContain("device.auth.localAdminPassword='***'");
      expect(stored.body).toContain('up.backlight.idleIntensity="1"');
      expect(stored.weakened.join(' ')).toContain('requestValidation');
      const onDisk = ['state.sqlite', 'state.sqlite-wal'].map((f) => readFileSync(join(dir, 'data', f)).toString('latin1')).join('');
      expect(onDisk).toContain('up.backlight.idleIntensity');
      expect(onDisk).not.toContain('Hunter2-uploaded');
      expect(onDisk).not.toContain('Adm1n-uploaded');
    } finally {
      await transport.close(runtime);
      await runtime.close();
    }
  });
});
