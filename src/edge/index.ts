/** One entry for the CLI: a plan rendered in the chosen firewall format. */
import { renderIptables } from './iptables.js';
import { renderMikrotik } from './mikrotik.js';
import { renderNftables } from './nftables.js';
import { renderPf } from './pf.js';
import type { EdgeFormat, EdgePlan } from './plan.js';

export { buildEdgePlan, EDGE_CHAINS, EDGE_FORMATS, type EdgeChain, type EdgeFormat, type EdgePlan } from './plan.js';

export function renderEdge(plan: EdgePlan, format: EdgeFormat): string {
  switch (format) {
    case 'nftables':
      return renderNftables(plan);
    case 'iptables':
      return renderIptables(plan, 4);
    case 'ip6tables':
      return renderIptables(plan, 6);
    case 'pf':
      return renderPf(plan);
    case 'mikrotik':
      return renderMikrotik(plan);
  }
}
