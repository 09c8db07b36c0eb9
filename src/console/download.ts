import { request } from './api';

/** Saves an API response as a file; fetched (not a plain link) so that the bearer token goes with it. */
export const download = async (path: string, filename: string): Promise<void> => {
  const blob = await (await request(path)).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};
