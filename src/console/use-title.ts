import { useEffect } from 'preact/hooks';

/** The tab's title: what the view shows first (an entity's name or id), then the console's name. */
export const useTitle = (what: string): void => {
  useEffect(() => {
    document.title = `${what} · SkyLight console`;
  }, [what]);
};
