/**
 * The Grandstream model catalogue, as data. One row per model:
 *   id        what the phone reports (`Grandstream Model HW <id> SW <fw> DevId <mac>`); files cfg<mac>.xml, cfg<id lowercase>.xml, cfg.xml
 *   series    P-value numbering: gxp = GXP21xx 1.0.5.32 / GXP16xx 1.0.4.33 / GXP17xx 1.0.1.8 templates (accounts 1-3 identical,
 *             4-6 from GXP21xx), grp = GRP26xx 1.0.3.6 template
 *   accounts  SIP accounts (Grandstream datasheets; not checked against a template here — the P-value templates show the
 *             first 3 (GXP16xx/17xx), 6 (GXP21xx) or 4 (GRP26xx); the alias templates take any `account.N`)
 *   firmwares oldest first, at least one per firmware family the model spans
 *   alias     true when the model's firmware line has an alias-format (`<config version="2">`) template:
 *             GRP261x from 1.0.9.103, GXP21xx from 1.0.11.79 (FusionPBX provision/grandstream/gxp21xx..gxp2170 headers)
 *   source    W = Wazo plugins/wazo_grandstream/v<fw>/entry.py MODELS; FP = FusionPBX provision/grandstream/<dir>; UA = capture
 * The Android and Wi-Fi lines are each their own series, with only what their own template shows: gxv = GXV33xx/34xx alias
 * templates (FusionPBX gxv3370 1.0.1.33, gxv3380 1.0.3.21, gxv3480 1.0.1.09, each provisioning accounts 1–16: "can support up
 * to 16 SIP accounts"), wp810 / wp820 = the WP810 1.0.9.17 and WP820 1.0.1.16 P-value templates (accounts 1–2), wp8x6 = the
 * WP8x6 1.0.1.44 alias template (FusionPBX provisions accounts 1–3). dp750 = the DP750 DECT base's 1.0.2.16 P-value
 * template: SIP servers and the hardening on four *profiles*, user/auth ID/password on ten handset *accounts* that each name
 * a profile (P4150…); ghostguard puts every line on profile 1, so `accounts` counts handset accounts. Other DP bases (DP752,
 * the older DP715) have no template of their own here and are not listed.
 */
/** GXP = GXP21xx/GXP16xx P-value numbering; GRP = GRP26xx (P-value on early firmware, alias XML from 1.0.9.103). */
export type Series = 'gxp' | 'grp' | 'gxv' | 'wp810' | 'wp820' | 'wp8x6' | 'dp750';

export type CatalogueRow = readonly [
  id: string,
  series: Series,
  accounts: number,
  firmwares: readonly string[],
  alias: boolean,
  source: string,
];

export const CATALOGUE: readonly CatalogueRow[] = [
  // the lab fleet (src/lab/fleet.ts) cycles through models in catalogue order: these first, as before the catalogue grew
  ['GXP1625', 'gxp', 2, ['1.0.2.25', '1.0.7.79'], false, 'W v1_0_7_13 v1_0_7_81; FP gxp16xx; UA (SIP Server header 1.0.2.25)'],
  ['GXP2140', 'gxp', 4, ['1.0.5.32', '1.0.9.14', '1.0.11.85'], true, 'W v1_0_11_85; FP gxp2140; UA (SIP 1.0.9.14)'],
  ['GRP2614', 'grp', 4, ['1.0.3.6', '1.0.5.15', '1.0.9.103'], true, 'W v1_0_5_48; FP grp2614; UA (1.0.5.15)'],
  ['GRP2616', 'grp', 6, ['1.0.5.48', '1.0.13.59'], true, 'W v1_0_5_48; FP grp2616; UA (1.0.13.59)'],

  ['GXP1610', 'gxp', 1, ['1.0.7.13', '1.0.7.81'], false, 'W v1_0_7_13 v1_0_7_81; FP gxp16xx'],
  ['GXP1615', 'gxp', 1, ['1.0.7.13', '1.0.7.81'], false, 'W v1_0_7_13 v1_0_7_81'],
  ['GXP1620', 'gxp', 2, ['1.0.7.13', '1.0.7.81'], false, 'W v1_0_7_13 v1_0_7_81; FP gxp16xx'],
  ['GXP1628', 'gxp', 2, ['1.0.7.13', '1.0.7.81'], false, 'W v1_0_7_13 v1_0_7_81; FP gxp16xx'],
  ['GXP1630', 'gxp', 3, ['1.0.7.13', '1.0.7.81'], false, 'W v1_0_7_13 v1_0_7_81; FP gxp16xx'],
  ['GXP1760', 'gxp', 3, ['1.0.1.8'], false, 'FP gxp17xx (template for GXP1782/1780/1760 1.0.1.8)'],
  ['GXP1780', 'gxp', 3, ['1.0.1.8'], false, 'FP gxp17xx'],
  ['GXP1782', 'gxp', 3, ['1.0.1.8'], false, 'FP gxp17xx'],
  ['GXP2130', 'gxp', 3, ['1.0.5.32', '1.0.11.85'], true, 'W v1_0_11_85; FP gxp2130'],
  ['GXP2135', 'gxp', 8, ['1.0.5.32', '1.0.11.79'], true, 'W v1_0_11_79 v1_0_11_85; FP gxp2135'],
  ['GXP2160', 'gxp', 6, ['1.0.5.32', '1.0.11.85'], true, 'W v1_0_11_85; FP gxp2160'],
  ['GXP2170', 'gxp', 12, ['1.0.5.32', '1.0.11.85'], true, 'W v1_0_11_85; FP gxp2170 (alias template 1.0.11.79)'],
  ['GRP2612', 'grp', 2, ['1.0.3.6', '1.0.5.48', '1.0.9.103'], true, 'W v1_0_5_48; FP grp2612'],
  ['GRP2613', 'grp', 3, ['1.0.3.6', '1.0.5.48', '1.0.9.103'], true, 'W v1_0_5_48; FP grp2613'],
  ['GRP2615', 'grp', 5, ['1.0.5.48', '1.0.9.103'], true, 'W v1_0_5_48; FP grp2615'],
  ['GXV3350', 'gxv', 16, ['1.0.1.8', '1.0.3.2'], false, 'W v1_0_3_2x_android (GXV3370/3380 include its template); UA 1.0.1.8 (common.py)'],
  ['GXV3370', 'gxv', 16, ['1.0.1.33'], false, 'W v1_0_3_2x_android; FP gxv3370 (alias template 1.0.1.33, accounts 1-16)'],
  ['GXV3380', 'gxv', 16, ['1.0.3.21'], false, 'W v1_0_3_2x_android; FP gxv3380 (alias template 1.0.3.21, accounts 1-16)'],
  ['GXV3480', 'gxv', 16, ['1.0.1.09'], false, 'FP gxv3480 (alias template 1.0.1.09, accounts 1-16)'],
  ['WP810', 'wp810', 2, ['1.0.9.17'], false, 'FP wp810 (P-value template 1.0.9.17, accounts 1-2)'],
  ['WP820', 'wp820', 2, ['1.0.1.16'], false, 'FP wp820 (P-value template 1.0.1.16, accounts 1-2)'],
  ['WP826', 'wp8x6', 3, ['1.0.1.44'], false, 'FP wp826 and wp8x6 (alias template 1.0.1.44; both provision accounts 1-3)'],
  ['DP750', 'dp750', 10, ['1.0.2.16'], false, 'FP dp750 (P-value template 1.0.2.16: profiles 1-4, handset accounts 1-10)'],
];
