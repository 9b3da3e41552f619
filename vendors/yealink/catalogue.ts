/**
 * The Yealink model catalogue, as data. One row per model:
 *   id        what the phone reports (User-Agent `Yealink SIP-<id>` / `Yealink <id>`)
 *   code      the number in its common file y0000000000<code>.cfg; null where no public source names one
 *             (the MAC files then carry every setting)
 *   accounts  SIP accounts (Wazo `_NB_SIP_ACCOUNTS`, plugins/wazo_yealink/{common,v84,v85,v86,v87}/common.py)
 *   firmwares real versions, oldest first, at least one per firmware family the model spans
 *   source    where id, code and versions come from:
 *             FP = FusionPBX resources/templates/provision/yealink/<dir>/y0000000000<code>.cfg (fusionpbx c7a00dcb)
 *             W<n> = Wazo plugins/wazo_yealink/v<n>/entry.py MODEL_INFO (wazo-provd-plugins 2321a3f3)
 *             UA = captured User-Agent quoted in Wazo's common.py / vendor-facts 1.7
 * DECT bases (W-series) send `Yealink <id>` without `SIP-` and have no intercom/auto-answer parameters in their templates.
 */
export type YealinkKind = 'desk' | 'conference' | 'dect';

export type CatalogueRow = readonly [
  id: string,
  code: number | null,
  accounts: number,
  firmwares: readonly string[],
  kind: YealinkKind,
  source: string,
];

export const CATALOGUE: readonly CatalogueRow[] = [
  // the lab fleet (src/lab/fleet.ts) cycles through models in catalogue order: these first, as before the catalogue grew
  ['T19P_E2', 53, 1, ['53.80.0.3', '53.81.0.110', '53.84.0.125'], 'desk', 'FP t19p; W80-W84; UA'],
  ['T21P_E2', 52, 2, ['52.80.0.3', '52.83.0.35', '52.84.0.125'], 'desk', 'FP t21p; W80-W84; UA'],
  ['T41P', 36, 6, ['36.72.0.1', '36.80.0.95', '36.81.0.110'], 'desk', 'FP t41p; W80-W83'],
  ['T42S', 67, 12, ['66.81.0.110', '66.84.0.125'], 'desk', 'FP t42s; W81-W86; UA'],
  ['T46G', 28, 16, ['28.72.0.1', '28.80.0.95', '28.81.0.110'], 'desk', 'FP t46g; W80-W83; UA'],
  ['T48G', 35, 16, ['35.72.0.6', '35.80.0.95', '35.81.0.110'], 'desk', 'FP t48g; W80-W83'],
  ['T46U', 108, 16, ['108.86.0.45'], 'desk', 'FP t46u; W86'],
  ['T54W', 96, 16, ['96.84.0.125', '96.85.0.5', '96.86.0.45'], 'desk', 'FP t54w; W84-W87; UA'],

  // T2x / T19 legacy and E2
  ['T28P', 0, 6, ['2.73.0.50'], 'desk', 'FP t28p; W73'],
  ['T26P', 4, 3, ['6.73.0.50'], 'desk', 'FP t26p; W73'],
  ['T22P', 5, 3, ['7.73.0.50'], 'desk', 'FP t22p; W73'],
  ['T20P', 7, 2, ['9.73.0.50'], 'desk', 'FP t20p; W73'],
  ['T23P', 44, 3, ['44.80.0.95', '44.84.0.140'], 'desk', 'FP t23p; W80-W84'],
  ['T23G', 44, 3, ['44.80.0.95', '44.84.0.140'], 'desk', 'FP t23g; W80-W84'],
  ['T27P', 45, 6, ['45.80.0.95', '45.83.0.35'], 'desk', 'FP t27p; W80-W83'],
  ['T27G', 69, 6, ['69.81.0.110', '69.86.0.15'], 'desk', 'FP t27g; W81-W86'],
  ['T29G', 46, 16, ['46.80.0.95', '46.83.0.120'], 'desk', 'FP t29g; W80-W83'],
  // T3x
  ['T31G', 123, 2, ['124.85.0.40', '124.86.0.75'], 'desk', 'FP t31g; W85-W86'],
  ['T31W', 172, 2, ['124.86.0.75'], 'desk', 'FP t31w; W86'],
  ['T31P', null, 2, ['124.85.0.40', '124.86.0.75'], 'desk', 'W85-W86'],
  ['T33G', 124, 4, ['124.85.0.40', '124.86.0.75'], 'desk', 'FP t33g; W85-W86'],
  ['T33P', null, 4, ['124.85.0.40', '124.86.0.75'], 'desk', 'W85-W86'],
  ['T34W', 171, 4, ['124.86.0.75'], 'desk', 'FP t34w; W86'],
  // T4xG / T4xP
  ['T40P', 54, 3, ['54.80.0.95', '54.84.0.125'], 'desk', 'FP t40p; W80-W84'],
  ['T40G', 76, 3, ['76.81.0.110', '76.84.0.125'], 'desk', 'FP t40g; W81-W84'],
  ['T42G', 29, 12, ['29.80.0.95', '29.83.0.120'], 'desk', 'FP t42g; W80-W83'],
  ['T49G', 51, 16, ['51.80.0.100'], 'desk', 'FP t49g; W80'],
  // T4xS
  ['T41S', 68, 6, ['66.81.0.110', '66.86.0.15'], 'desk', 'FP t41s; W81-W86'],
  ['T46S', 66, 16, ['66.81.0.110', '66.86.0.15'], 'desk', 'FP t46s; W81-W86'],
  ['T48S', 65, 16, ['66.81.0.110', '66.86.0.15'], 'desk', 'FP t48s; W81-W86'],
  // T4xU / T44W
  ['T41U', null, 6, ['108.86.0.90'], 'desk', 'W86'],
  ['T42U', 116, 12, ['108.86.0.90'], 'desk', 'FP t42u; W86'],
  ['T43U', 107, 12, ['108.86.0.90'], 'desk', 'FP t43u; W86'],
  ['T44U', null, 12, ['108.86.0.90'], 'desk', 'W86'],
  ['T44W', 174, 12, ['108.86.0.90'], 'desk', 'FP t44w; W86'],
  ['T48U', 109, 16, ['108.86.0.90'], 'desk', 'FP t48u; W86'],
  // T5x
  ['T52S', 74, 12, ['70.83.0.35', '70.84.0.70'], 'desk', 'FP t52s; W83-W84'],
  ['T54S', 70, 16, ['70.83.0.35', '70.84.0.70'], 'desk', 'FP t54s; W83-W84'],
  ['T53W', 95, 12, ['95.84.0.125', '96.87.0.15'], 'desk', 'FP t53w; W84-W87'],
  ['T57W', 97, 16, ['97.84.0.125', '96.87.0.15'], 'desk', 'FP t57w; W84-W87'],
  ['T58W', 150, 16, ['150.86.0.11', '150.87.0.15'], 'desk', 'FP t58w; W86-W87'],
  // T7x / T8x
  ['T73U', 186, 12, ['185.87.0.34'], 'desk', 'FP t73u; W87'],
  ['T74U', 187, 16, ['185.87.0.34'], 'desk', 'FP t74u; W87'],
  ['T77U', 188, 16, ['185.87.0.34'], 'desk', 'FP t77u; W87; UA'],
  ['T85W', 196, 16, ['185.87.0.34'], 'desk', 'FP t85w; W87; UA'],
  ['T87W', 197, 16, ['185.87.0.34'], 'desk', 'FP t87w; W87; UA'],
  // conference phones
  ['CP860', 37, 1, ['37.80.0.30', '37.81.0.10'], 'conference', 'FP cp860; W80-W81; UA'],
  ['CP920', 78, 1, ['78.81.0.15', '78.86.0.15'], 'conference', 'FP cp920; W81-W86'],
  ['CP960', 73, 1, ['73.80.0.35', '73.85.0.5'], 'conference', 'FP cp960; W80-W85'],
  // DECT bases
  ['W52P', 25, 5, ['25.73.0.40', '25.80.0.15', '25.81.0.60'], 'dect', 'FP w52p; W73-W81'],
  ['W60B', 77, 8, ['77.83.0.85', '77.85.0.25'], 'dect', 'FP w60b; W83-W85; UA'],
  ['W70B', 146, 10, ['146.85.0.40', '146.87.0.21'], 'dect', 'FP w70b; W85-W87; UA'],
  ['W80DM', null, 30, ['103.83.0.122', '103.87.0.18'], 'dect', 'W83-W87; UA'],
  ['W90DM', null, 250, ['130.85.0.44', '130.87.0.18'], 'dect', 'W85-W87; UA'],
];
