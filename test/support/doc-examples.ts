import { readFileSync } from 'node:fs';

/**
 * The examples a page of documentation shows: README.md or docs/<page>.md, read as a newcomer reads it. A command is a
 * line of a ```sh block starting with curl or npm, with the lines of its quoted body; its answer, the `# → …` lines
 * shown under it.
 */
export type Example = { readonly command: string; readonly shown: string | undefined };

/** The ```sh block that follows `marker` (a heading, or the words that lead to the block) in the markdown file `file`. */
export const shBlockAfter = (file: string, marker: string): string => {
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(marker);
  if (from < 0) throw new Error(`${file} has no ${marker}`);
  const start = text.indexOf('```sh\n', from) + '```sh\n'.length;
  return text.slice(start, text.indexOf('```', start));
};

/** Commands (a line starting with curl or npm, with the lines of its quoted body) and the answer shown under each. */
export const examplesOf = (block: string): Example[] => {
  const examples: { command: string[]; shown: string[] }[] = [];
  for (const line of block.split('\n')) {
    const current = examples.at(-1);
    if (/^(curl|npm) /.test(line)) examples.push({ command: [line], shown: [] });
    else if (line.startsWith('# → ')) current?.shown.push(line.slice('# → '.length));
    else if (line.startsWith('#  ') && current !== undefined && current.shown.length > 0) current.shown.push(line.slice(1));
    else if (line.trim() !== '' && !line.startsWith('#') && current !== undefined && current.shown.length === 0) current.command.push(line);
  }
  return examples
    .map(({ command, shown }) => ({ command: command.join('\n'), shown: shown.length === 0 ? undefined : shown.join('\n') }))
    // A synopsis (`[--format table|json|csv]`, `[EVENT_ID]`) is not a command to run.
    .filter(({ command }) => !/\s\[(--|[A-Z])/.test(command));
};

/** The examples of the ```sh block after `marker` in `file` (a path from the project root). */
export const examplesAfter = (file: string, marker: string): Example[] => examplesOf(shBlockAfter(file, marker));
