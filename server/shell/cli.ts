/**
 * The one command-line helper every CLI uses (serve, sim, bench, users, feeds, and any later one):
 * `--help` / `-h` prints the usage to stdout and exits 0; a bad option or argument prints one line
 * to stderr and exits 2; any other failure prints one line (with its JCR_ code where it has one)
 * and exits 1. Never a stack.
 *
 *   const USAGE = 'usage: npm run thing -- add NAME [--db FILE]';
 *   runCli(async () => {
 *     const { values, positionals } = readArgs({ usage: USAGE, options: { db: { type: 'string' } } });
 *     if (positionals[0] !== 'add') throw usageError(USAGE);
 *     ...
 *   });
 */
import { parseArgs } from 'node:util';
import { isJcrError } from '../core/errors.ts';

type OptionSpec = { readonly type: 'string' | 'boolean'; readonly short?: string };
/** What readArgs gives back: each option's text or switch, absent when not given. */
export type CliValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string;
};

export interface CliSpec<O extends Record<string, OptionSpec>> {
  /** The full usage text printed by --help. */
  readonly usage: string;
  readonly options: O;
  /** Whether bare words are allowed (default true). */
  readonly positionals?: boolean;
}

/** Ends the command: `code` 0 prints `text` to stdout (help), otherwise to stderr. */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(text);
    this.name = 'CliExit';
  }
}

/** A bad option or argument: one line (the first of `message`) and exit 2. */
export function usageError(message: string): CliExit {
  const first = message.split('\n').find((l) => l.trim() !== '') ?? message;
  return new CliExit(2, `${first.trim()}  (--help for usage)`);
}

const HELP = { type: 'boolean', short: 'h' } as const;

/**
 * Parses `argv` strictly against `spec.options`. Throws CliExit(0, usage) on --help and
 * CliExit(2, one line) on an unknown option, a missing value or an unexpected positional.
 */
export function readArgs<O extends Record<string, OptionSpec>>(
  spec: CliSpec<O>,
  argv: readonly string[] = process.argv.slice(2),
): { values: CliValues<O>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...spec.options, help: HELP },
      allowPositionals: spec.positionals ?? true,
      strict: true,
    });
  } catch (e) {
    // A bad option next to --help still gets the help.
    if (argv.includes('--help') || argv.includes('-h')) throw new CliExit(0, spec.usage);
    // Node's message goes on to explain `--`; its first sentence is the line.
    throw usageError((e instanceof Error ? e.message : String(e)).split('. ')[0]!);
  }
  const { help, ...values } = parsed.values as Record<string, string | boolean | undefined>;
  if (help) throw new CliExit(0, spec.usage);
  return { values: values as CliValues<O>, positionals: parsed.positionals };
}

/**
 * The command of a CLI whose commands take one NAME (`add NAME`) or nothing (`list`): the first
 * bare word, checked against `commands` in the order they are listed, and the NAME. A missing
 * command or a word too many or too few is a usage error naming the commands.
 */
export function readCommand<C extends string>(
  positionals: readonly string[],
  commands: Readonly<Record<C, 'name' | 'none'>>,
): { cmd: C; name: string | undefined } {
  const [cmd, name] = positionals;
  const takes = cmd !== undefined && Object.hasOwn(commands, cmd) ? commands[cmd as C] : undefined;
  if (takes !== undefined && positionals.length === (takes === 'name' ? 2 : 1)) return { cmd: cmd as C, name };
  const names = Object.keys(commands);
  throw usageError(
    cmd === undefined
      ? `a command is needed: ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`
      : `unknown command or arguments: ${positionals.join(' ')}`,
  );
}

/** The one line a failure prints: the JCR_ code where there is one, never a stack. */
export function failureLine(e: unknown): string {
  if (isJcrError(e)) return `error ${e.code}: ${e.message}`;
  if (!(e instanceof Error)) return `error: ${String(e)}`;
  // An unexpected error keeps where it came from, still on the one line.
  const at = e.stack?.split('\n').find((l) => /^\s+at /.test(l));
  return `error: ${e.message}${at ? ` (${at.trim()})` : ''}`;
}

/**
 * Runs a CLI's main and turns its end into an exit code: CliExit as it says, any other error one
 * line and 1. A main that returns normally leaves process.exitCode as it set it.
 */
export function runCli(main: () => unknown): void {
  const fail = (e: unknown) => {
    if (e instanceof CliExit) {
      (e.code === 0 ? process.stdout : process.stderr).write(e.text.endsWith('\n') ? e.text : e.text + '\n');
      process.exitCode = e.code;
      return;
    }
    process.stderr.write(failureLine(e) + '\n');
    process.exit(1);
  };
  try {
    const r = main();
    if (r instanceof Promise) r.catch(fail);
  } catch (e) {
    fail(e);
  }
}
