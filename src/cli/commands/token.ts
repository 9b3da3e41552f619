/** `ghostguard token create|list|revoke`: API tokens for scripts (src/dashboard/api-tokens.ts). */
import { createToken, readTokens, revokeToken } from '../../dashboard/api-tokens.js';
import { formatIssue } from '../../model/config-issues.js';
import { GhostguardError } from '../../model/errors.js';
import { readConfig } from '../../provisioning/config-source.js';
import { catalogue, configPath, dataDirOf } from '../context.js';
import { EXIT, type CliIo } from '../io.js';

function dataDir(configOption: string | undefined, io: CliIo): string {
  const path = configPath(configOption, io);
  const { config, issues } = readConfig(path, catalogue);
  if (!config) throw new GhostguardError('GG_ERR_CONFIG_INVALID', undefined, issues.map(formatIssue));
  return dataDirOf(config.server.dataDir, io);
}

export function tokenCreateCommand(name: string, options: { config?: string }, io: CliIo): number {
  const { token, record } = createToken(dataDir(options.config, io), name);
  io.out(`${token}\n`);
  io.err(`API token "${record.name}" (id ${record.id}) created. It is shown this once; only its hash is kept.\n`
    + `Use it as: Authorization: Bearer <token>. Revoke it with: ghostguard token revoke ${record.id}\n`);
  return EXIT.ok;
}

export function tokenListCommand(options: { config?: string; json?: boolean }, io: CliIo): number {
  const tokens = readTokens(dataDir(options.config, io)).map(({ id, name, createdAt }) => ({ id, name, createdAt }));
  if (options.json) io.out(`${JSON.stringify(tokens, null, 2)}\n`);
  else if (tokens.length === 0) io.out('no API tokens\n');
  else for (const t of tokens) io.out(`${t.id}  ${t.createdAt}  ${t.name}\n`);
  return EXIT.ok;
}

export function tokenRevokeCommand(idOrName: string, options: { config?: string }, io: CliIo): number {
  const gone = revokeToken(dataDir(options.config, io), idOrName);
  if (!gone) {
    io.err(`no API token with id or name "${idOrName}"\n`);
    return EXIT.error;
  }
  io.out(`API token "${gone.name}" (id ${gone.id}) revoked\n`);
  return EXIT.ok;
}
