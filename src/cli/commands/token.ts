/** `ghostguard token create|list|revoke`: API tokens for scripts (src/dashboard/api-tokens.ts). */
import { createToken, readTokens, revokeToken } from '../../dashboard/api-tokens.js';
import type { ConfigOptions } from '../config-choice.js';
import { loadConfig } from '../context.js';
import { EXIT, type CliIo } from '../io.js';

function dataDir(options: ConfigOptions, io: CliIo): string {
  return loadConfig(options, io).config.server.dataDir;
}

export function tokenCreateCommand(name: string, options: { config?: string }, io: CliIo): number {
  const { token, record } = createToken(dataDir(options, io), name);
  io.out(`${token}\n`);
  io.err(
    `API token "${record.name}" (id ${record.id}) created. It is shown this once; only its hash is kept.\n` +
      `Use it as: Authorization: Bearer <token>. Revoke it with: ghostguard token revoke ${record.id}\n`,
  );
  return EXIT.ok;
}

export function tokenListCommand(options: { config?: string; json?: boolean }, io: CliIo): number {
  const tokens = readTokens(dataDir(options, io)).map(({ id, name, createdAt }) => ({ id, name, createdAt }));
  if (options.json) io.out(`${JSON.stringify(tokens, null, 2)}\n`);
  else if (tokens.length === 0) io.out('no API tokens\n');
  else for (const t of tokens) io.out(`${t.id}  ${t.createdAt}  ${t.name}\n`);
  return EXIT.ok;
}

export function tokenRevokeCommand(idOrName: string, options: { config?: string }, io: CliIo): number {
  const gone = revokeToken(dataDir(options, io), idOrName);
  if (!gone) {
    io.err(`no API token with id or name "${idOrName}"\n`);
    return EXIT.error;
  }
  io.out(`API token "${gone.name}" (id ${gone.id}) revoked\n`);
  return EXIT.ok;
}
