/**
 * The Poly model catalogue, as data. One row per model:
 *   id        the model token the phone sends: `FileTransport Polycom<product>-<id>-UA/<version>`
 *   product   the product token (SoundPointIP, SoundStationIP, VVX, RealPresenceTrio)
 *   accounts  registrations (reg.N): SoundPoint/SoundStation from the SIP 3.x administrator's guide registration table
 *             ("IP 301, 320, 330, 430: x=1-2; IP 501: x=1-3; IP 550, 560: x=1-4; IP 600 … 670: six; IP 4000/6000/7000: x=1");
 *             VVX and IP 450 from Wazo's line-key table `_NB_FKEY` (plugins/wazo_polycom/common/common.py), expansion modules left out
 *   firmwares versions oldest first, one or more per family spanned (sip3 = SIP application ≤ 3.x, ucs = UC Software ≥ 4.0)
 *             (the 4.2.x numbers in SoundPoint User-Agent captures are BootROM versions, not firmware: left out)
 *   source    W = Wazo plugins/wazo_polycom/v<x>/entry.py MODELS lists (v3_1_6, v3_2_4B, v4_0_11, v5_4_3, v5_8_2, v5_9_2, v6_4_6);
 *             UA = User-Agent captures quoted in Wazo's common.py (vendor-facts 2.1); FP = FusionPBX provision/polycom/<dir>
 * CCX and Edge phones are not listed: no public source here gives the User-Agent they provision with.
 */
export type CatalogueRow = readonly [id: string, product: string, accounts: number, firmwares: readonly string[], source: string];

export const CATALOGUE: readonly CatalogueRow[] = [
  // the lab fleet (src/lab/fleet.ts) cycles through models in catalogue order: these first, as before the catalogue grew
  ['SPIP_335', 'SoundPointIP', 2, ['3.2.1.0078', '4.0.11'], 'W v3_2_4B v4_0_11; UA; FP ip335'],
  ['VVX_400', 'VVX', 12, ['4.1.4.7430', '5.9.2'], 'W v5_4_3-v5_9_2; UA; FP vvx400'],
  ['VVX_150', 'VVX', 2, ['6.4.1.2280'], 'W v5_8_2-v6_4_6; UA; FP vvx150'],
  ['Trio_8800', 'RealPresenceTrio', 2, ['7.2.2.1094'], 'UA (Trio provisioning User-Agent capture)'],

  // SoundPoint IP (SIP 3.1 only)
  ['SPIP_301', 'SoundPointIP', 2, ['3.1.6.0017'], 'W v3_1_6'],
  ['SPIP_501', 'SoundPointIP', 3, ['3.1.6.0017'], 'W v3_1_6'],
  ['SPIP_600', 'SoundPointIP', 6, ['3.1.6.0017'], 'W v3_1_6'],
  ['SPIP_601', 'SoundPointIP', 6, ['3.1.6.0017'], 'W v3_1_6'],
  // SoundPoint IP (SIP 3.2, some UCS 4.0)
  ['SPIP_320', 'SoundPointIP', 2, ['3.2.4.0267'], 'W v3_2_4B'],
  ['SPIP_330', 'SoundPointIP', 2, ['3.2.4.0267'], 'W v3_2_4B'],
  ['SPIP_430', 'SoundPointIP', 2, ['3.2.4.0267'], 'W v3_2_4B'],
  ['SPIP_321', 'SoundPointIP', 2, ['3.2.4.0267', '4.0.11'], 'W v3_2_4B v4_0_11; FP ip321'],
  ['SPIP_331', 'SoundPointIP', 2, ['3.2.4.0267', '4.0.11'], 'W v3_2_4B v4_0_11; FP ip331'],
  ['SPIP_450', 'SoundPointIP', 2, ['3.2.3.1734', '4.0.11'], 'W v3_2_4B v4_0_11; UA; FP ip450'],
  ['SPIP_550', 'SoundPointIP', 4, ['3.2.3.1734', '4.0.11'], 'W v3_2_4B v4_0_11; UA; FP ip550'],
  ['SPIP_560', 'SoundPointIP', 4, ['3.2.4.0267', '4.0.11'], 'W v3_2_4B v4_0_11; FP ip560'],
  ['SPIP_650', 'SoundPointIP', 6, ['3.2.4.0267', '4.0.11'], 'W v3_2_4B v4_0_11; FP ip650'],
  ['SPIP_670', 'SoundPointIP', 6, ['3.2.4.0267', '4.0.11'], 'W v3_2_4B v4_0_11; FP ip670'],
  // SoundStation IP
  ['SSIP_5000', 'SoundStationIP', 1, ['3.2.4.0267', '4.0.11'], 'W v3_2_4B v4_0_11; FP ip5000'],
  ['SSIP_6000', 'SoundStationIP', 1, ['3.2.4.0267', '4.0.4.2906'], 'W v3_2_4B v4_0_11; UA; FP ip6000'],
  ['SSIP_7000', 'SoundStationIP', 1, ['3.2.4.0267', '4.0.11'], 'W v3_2_4B v4_0_11; FP ip7000'],
  // VVX
  ['VVX_1500', 'VVX', 6, ['3.2.4.0267', '5.4.3'], 'W v3_2_4B v5_4_3 v5_8_2 v5_9_2; FP vvx1500'],
  ['VVX_101', 'VVX', 2, ['5.4.3.1014', '6.4.6'], 'W v5_4_3-v6_4_6; UA; FP vvx101'],
  ['VVX_201', 'VVX', 2, ['5.4.3', '6.4.6'], 'W v5_4_3-v6_4_6; FP vvx201'],
  ['VVX_300', 'VVX', 6, ['5.4.3', '5.9.2'], 'W v5_4_3-v5_9_2; FP vvx300'],
  ['VVX_310', 'VVX', 6, ['5.4.3', '5.9.2'], 'W v5_4_3-v5_9_2; FP vvx310'],
  ['VVX_410', 'VVX', 12, ['5.4.3', '5.9.2'], 'W v5_4_3-v5_9_2; FP vvx410'],
  ['VVX_500', 'VVX', 12, ['5.4.3', '5.9.2'], 'W v5_4_3-v5_9_2; FP vvx500'],
  ['VVX_600', 'VVX', 16, ['5.4.3', '5.9.2'], 'W v5_4_3-v5_9_2; FP vvx600'],
  ['VVX_250', 'VVX', 4, ['5.8.2', '6.4.6'], 'W v5_8_2-v6_4_6; FP vvx250'],
  ['VVX_301', 'VVX', 6, ['5.8.2', '6.4.6'], 'W v5_8_2-v6_4_6; FP vvx301'],
  ['VVX_311', 'VVX', 6, ['5.8.2', '6.4.6'], 'W v5_8_2-v6_4_6; FP vvx311'],
  ['VVX_350', 'VVX', 6, ['5.8.2', '6.4.6'], 'W v5_8_2-v6_4_6; FP vvx350'],
  ['VVX_401', 'VVX', 12, ['5.8.2', '6.4.6'], 'W v5_8_2-v6_4_6; FP vvx401'],
  ['VVX_411', 'VVX', 12, ['5.8.2', '6.4.6'], 'W v5_8_2-v6_4_6; FP vvx411'],
  ['VVX_450', 'VVX', 12, ['5.8.2', '6.4.6'], 'W v5_8_2-v6_4_6; FP vvx450'],
  ['VVX_501', 'VVX', 12, ['5.8.2', '6.4.6'], 'W v5_8_2-v6_4_6; FP vvx501'],
  ['VVX_601', 'VVX', 16, ['5.8.2', '6.4.6'], 'W v5_8_2-v6_4_6; FP vvx601'],
  // Trio: two registrations documented (hybrid line registration); the maximum is not sourced here
];
