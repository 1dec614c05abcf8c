/*
 * `samhandling`: the operator's and privacy officer's command line (bin/samhandling.js runs it from
 * dist/). Every command reads its settings from the environment exactly as the API does
 * (loadConfig), so `DATA_DIR`, `DATABASE_URL`, `DATABASE_SCHEMA`, `AGENCY_DIRECTORY`, `JWT_*` …
 * mean the same here as for the server.
 */
import { Command, CommanderError } from 'commander';
import { loadConfig, type AppConfig } from '../platform/config/app-config';
import { runAuditCli } from './audit';
import { USAGE as AUDIT_USAGE } from './audit-args';
import { agenciesCheck, catalogCheck } from './checks.command';
import { EXIT, processIo, UsageError, type CliIo } from './cli-io';
import { API_PROJECTIONS } from '../reads/api-projections';
import { rebuildProjection } from './projections.command';
import { tokenCommand, type TokenOptions } from './token.command';

/** Runs one command line and resolves to its exit code (0 ok, 1 failed, 2 usage, 3 broken chain). */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  // The audit commands keep their own parser (filters, paging, formats): hand them the rest as is.
  if (argv[0] === 'audit') return runAuditCli(argv.slice(1), io);
  let code: number = EXIT.ok;
  const config = (): AppConfig => {
    try {
      return loadConfig(io.env);
    } catch (error) {
      throw new UsageError(`settings: ${(error as Error).message}`);
    }
  };
  const program = new Command('samhandling')
    .description('Samhandling operations: demo tokens, the disclosure audit, projection rebuilds, configuration checks. Settings come from the environment, as for the API.')
    .exitOverride()
    .configureOutput({ writeOut: (t) => io.out(t), writeErr: (t) => io.err(t) })
    .showHelpAfterError()
    .allowExcessArguments(false);

  program.command('token')
    .description('mint a demo bearer token signed with the embedded default\'s key in $DATA_DIR/keys')
    .argument('<agency>', 'agency id from the agency directory')
    .argument('[actor]', 'the caseworker or system acting for it (the token subject)', 'demo-caseworker')
    .option('--roles <roles>', 'comma-separated roles, e.g. privacy-officer')
    .option('--expires <duration>', 'lifetime such as 30m, 8h (default) or 2d')
    .option('--create-key', 'create the local key if the API has not yet')
    .action(async (agency: string, actor: string, options: TokenOptions) => tokenCommand(config(), agency, actor, options, io));

  program.command('audit')
    .description('the privacy officer\'s audit: verify | query | export | report (samhandling audit --help)')
    .helpOption(false)
    .allowUnknownOption()
    .argument('[args...]')
    .addHelpText('after', `\n${AUDIT_USAGE}`);

  program.command('projections')
    .description('projection maintenance')
    .command('rebuild')
    .description(`drop one projection's states and fold the whole log into it again (${API_PROJECTIONS.map((p) => p.name).join(', ')}, or one CUSTOM_PROJECTIONS names)`)
    .argument('<name>', 'projection name')
    .action(async (name: string) => { code = await rebuildProjection(config(), name, io); });

  program.command('catalog')
    .description('legal-basis catalog')
    .command('check')
    .description('check every version file of a catalog directory as the API would load it (LEGAL_BASES_ENABLED honoured)')
    .argument('[dir]', 'catalog directory (default LEGAL_BASIS_CATALOG_DIR or libs/policy/catalog)')
    .action((dir: string | undefined) => {
      const settings = config();
      code = catalogCheck(dir ?? settings.catalogDir, settings.enabledBases, io);
    });

  program.command('agencies')
    .description('agency directory')
    .command('check')
    .description('check an agency directory file as the API and relay would load it')
    .argument('[file]', 'directory file (default AGENCY_DIRECTORY or config/agencies.json)')
    .action((file: string | undefined) => { code = agenciesCheck(file ?? config().agencyDirectoryFile, io); });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof UsageError) {
      io.err(`samhandling: ${error.message}\n`);
      return EXIT.usage;
    }
    io.err(`samhandling: failed: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}
