/**
 * The samples of a Prometheus text exposition, keyed as they are written (`name{label="value",...}`), so a test
 * can look up exactly the series it means. Comment lines (# HELP, # TYPE) are left out.
 */
export const prometheusSamples = (text: string): Map<string, number> =>
  new Map(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const at = line.lastIndexOf(' ');
        return [line.slice(0, at), Number(line.slice(at + 1))];
      }),
  );
