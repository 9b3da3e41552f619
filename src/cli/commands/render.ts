/** `ghostguard render <mac>`: exactly what that phone would receive, then the applied and unsupported rules. */
import { GhostguardError } from '../../model/errors.js';
import { parseMac } from '../../model/mac.js';
import { RenderService } from '../../provisioning/render-service.js';
import { openOffline, vendors } from '../context.js';
import { settingsModel } from '../../model/inventory.js';
import { paramValues } from '../../model/params-guard.js';
import { EXIT, type CliIo } from '../io.js';
import { policyLines } from '../explain-policy.js';
import { SecretMasker } from '../../model/secret-mask.js';

export interface RenderOptions {
  config?: string;
  ua?: string;
  file?: string;
  explain?: boolean;
  reveal?: boolean;
}

export async function renderCommand(macText: string, options: RenderOptions, io: CliIo): Promise<number> {
  const mac = parseMac(macText);
  if (!mac) throw new GhostguardError('GG_ERR_MAC_INVALID', `not a MAC address: ${macText}`);
  const offline = await openOffline(options, io);
  try {
    const { inventory } = offline;
    const entry = inventory.device(mac);
    const generations = await offline.store.credentials(mac);
    const device = inventory.resolve(mac, generations);
    if (!entry || !device)
      throw new GhostguardError('GG_ERR_DEVICE_UNKNOWN', `no device ${macText} in the inventory (or one of its secrets is missing)`);
    const vendor = vendors.find((v) => v.id === entry.vendor)!;
    const modelId = settingsModel(entry);
    const known = vendor.models.find((m) => m.id === modelId);
    const model = { id: modelId, firmwares: known?.firmwares ?? [] };
    // the firmware the phone announces: --ua, else its last recorded fetch, else (said so) the newest the adapter knows
    const lastUa = options.ua ? undefined : (await offline.store.fetchHistory(mac, 20)).find((f) => f.userAgent)?.userAgent;
    const userAgent = options.ua ?? lastUa;
    const announced = userAgent
      ? vendor.identifyRequest({ fileName: vendor.bootSequence(mac, model.id, '')[0]!.fileName, method: 'GET', userAgent }).firmware
      : undefined;
    const firmware = announced ?? model.firmwares[model.firmwares.length - 1];
    const firmwareSource = options.ua ? '--ua' : announced ? `its last fetch (User-Agent "${lastUa}")` : undefined;
    const steps = vendor.bootSequence(mac, model.id, firmware ?? '').filter((s) => s.method === 'GET');
    const step = options.file
      ? steps.find((s) => s.fileName.toLowerCase() === options.file!.toLowerCase())
      : steps.find((s) => vendor.identifyRequest(s).file.kind === 'device');
    if (!step)
      throw new GhostguardError(
        'GG_ERR_FILE_UNKNOWN',
        `${options.file ?? 'device file'} is not one this ${vendor.displayName} ${model.id} fetches (it fetches: ${steps.map((s) => s.fileName).join(', ')})`,
      );
    const { file } = vendor.identifyRequest({ ...step, userAgent: userAgent ?? step.userAgent });
    const policy = file.secret ? inventory.policyFor(entry) : inventory.sharedPolicy(model.id);
    const params = paramValues(file.secret ? inventory.paramsFor(entry) : inventory.sharedParams(model.id));
    const served = new RenderService().render({
      vendor,
      file,
      model: model.id,
      firmware,
      policy,
      device: file.secret ? device : undefined,
      version: 'cli',
      params,
    });
    let body = served.body.toString('utf8');
    if (!options.reveal) body = new SecretMasker(inventory.secretsOf(mac, generations)).mask(body);
    io.out(body);
    const r = served.rendered;
    if (!firmwareSource) {
      io.err(
        `note: ${mac} has no recorded fetch and no --ua was given: assuming firmware ${firmware ?? 'unknown'} (family ${r.family.id}), the newest ghostguard knows for the ${model.id}; give --ua "<the phone's User-Agent>" for its own firmware\n`,
      );
    }
    const explanation =
      [
        `# ${vendor.displayName} ${model.id}, firmware ${firmware ?? 'unknown'} (${firmwareSource ? `from ${firmwareSource}` : 'assumed: newest known'}) → family ${r.family.id}${r.family.guessed ? ' (guessed: newest known)' : ''}; file ${file.name}`,
        ...(entry.like ? [`# model ${entry.model} is not in the catalogue: settings of ${entry.like} (like:)`] : []),
        ...(!known
          ? [`# model ${entry.model} is not in the catalogue: settings of its firmware family; its account count is unknown`]
          : []),
        `# applied: ${r.applied.join(', ') || '(none)'}`,
        ...r.unsupported.map((u) => `# unsupported: ${u.rule}: ${u.reason}`),
        ...(r.fromParams ?? []).map((key) => `# from params: ${key}`),
        ...policyLines(policy, r),
        ...(options.reveal ? [] : ['# secrets masked; --reveal prints them']),
      ].join('\n') + '\n';
    if (options.explain) io.out(explanation);
    else io.err(explanation);
    return EXIT.ok;
  } finally {
    await offline.close();
  }
}
