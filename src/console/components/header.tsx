import { useLocation } from 'preact-iso';

const SECTIONS = [
  ['/console/', 'Overview'],
  ['/console/contacts', 'Contacts'],
  ['/console/bookings', 'Bookings'],
  ['/console/tickets', 'Tickets'],
  ['/console/deliveries', 'Deliveries'],
  ['/console/quarantine', 'Quarantine'],
] as const;

/** Whether a path is in a section: the overview only at its own address, a list also on its entities' pages. */
const inSection = (path: string, section: string): boolean => {
  const [here, list] = [path.replace(/\/$/, ''), section.replace(/\/$/, '')];
  return list === '/console' ? here === list : here === list || here.startsWith(`${list}/`);
};

/** The time zone every time of the console is shown in: named once per page, here. */
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The navigation, the current section marked (`aria-current`), sign-out, and the time zone of the page's times. */
export const Header = ({ signedIn, onSignOut }: { signedIn: boolean; onSignOut: () => void }) => {
  const { path } = useLocation();
  return (
    <header class="top">
      <a class="skip" href="#content">
        Skip to content
      </a>
      <a class="brand" href="/console/">
        SkyLight console
      </a>
      <nav aria-label="Main">
        {SECTIONS.map(([href, name]) => (
          <a key={href} href={href} aria-current={inSection(path, href) ? 'page' : undefined}>
            {name}
          </a>
        ))}
        <a href="/docs" target="_blank" rel="noopener">
          API docs
        </a>
      </nav>
      {signedIn && (
        <button type="button" class="link" onClick={onSignOut}>
          Sign out
        </button>
      )}
      <p class="zone" data-testid="time-zone">
        Times in <strong>{ZONE}</strong>; hover one for the value as stored.
      </p>
    </header>
  );
};
