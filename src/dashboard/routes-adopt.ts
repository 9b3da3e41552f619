/**
 * Adopting an unmanaged phone: GET /adopt?mac= shows the form prefilled from the latest audit that saw it ring (vendor,
 * model, a site guessed from its subnet); POST /adopt (CSRF-checked like every form) adds it to the configuration file,
 * reloads it — which opens the phone's enrolment — and goes to its device page.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { macWithColons, parseMac, type Mac } from '../model/mac.js';
import { adoptPage, type AdoptForm } from './adopt-page.js';
import type { Dashboard } from './context.js';
import { messagePage } from './plain-pages.js';
import { unmanagedPhones } from './unmanaged.js';

type Query = Record<string, unknown>;

const str = (v: unknown, max = 100): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : undefined);

export function registerAdoptRoutes(app: FastifyInstance, d: Dashboard): void {
  const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);
  const view = async (mac: Mac, form: AdoptForm, csrf: string, error?: string, problems?: string[]) => {
    const inventory = d.options.inventory();
    const found = (await unmanagedPhones({ inventory, auditStore: d.runner.store })).find((u) => u.mac === mac);
    return adoptPage({
      csrf,
      form,
      found,
      error,
      problems,
      enabled: !!d.options.adopt,
      vendors: d.options.vendors.map((v) => ({ id: v.id, name: v.displayName })),
      sites: Object.keys(inventory.config.sites).sort(),
    });
  };

  app.get('/adopt', async (req, reply) => {
    const mac = parseMac(str((req.query as Query).mac) ?? '');
    const csrf = d.csrf(req, reply);
    if (!mac)
      return html(reply.code(400), messagePage({ title: 'Not a MAC address', message: "Adopt needs the phone's MAC address.", csrf }));
    if (d.options.inventory().device(mac)) return reply.redirect(`/devices/${mac}`, 303);
    const found = (await unmanagedPhones({ inventory: d.options.inventory(), auditStore: d.runner.store })).find((u) => u.mac === mac);
    const form: AdoptForm = {
      mac: macWithColons(mac),
      ...(found?.vendor ? { vendor: found.vendor } : {}),
      ...(found?.model ? { model: found.model } : {}),
      ...(found?.site ? { site: found.site } : {}),
    };
    return html(reply, await view(mac, form, csrf));
  });

  app.post('/adopt', async (req, reply) => {
    const body = (req.body ?? {}) as Query;
    const csrf = d.csrf(req, reply);
    const mac = parseMac(str(body.mac) ?? '');
    if (!mac)
      return html(reply.code(400), messagePage({ title: 'Not a MAC address', message: "Adopt needs the phone's MAC address.", csrf }));
    const form: AdoptForm = { mac: macWithColons(mac), vendor: str(body.vendor), model: str(body.model), site: str(body.site) };
    if (!d.options.adopt) return html(reply.code(409), await view(mac, form, csrf, 'this dashboard does not edit the configuration file'));
    if (!form.vendor || !form.model || !form.site)
      return html(reply.code(400), await view(mac, form, csrf, 'vendor, model and site are all needed'));
    const result = d.options.adopt({ mac, vendor: form.vendor, model: form.model, site: form.site, lines: [] });
    if (!result.ok) return html(reply.code(400), await view(mac, form, csrf, 'not adopted: nothing was written', result.problems));
    return reply.redirect(`/devices/${mac}`, 303);
  });
}
