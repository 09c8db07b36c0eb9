import { useEffect, useState } from 'preact/hooks';
import { LocationProvider, Route, Router } from 'preact-iso';
import { onUnauthorized } from './api';
import { BookingPage, BookingsPage } from './pages/bookings-page';
import { ContactPage } from './pages/contact-page';
import { ContactsPage } from './pages/contacts-page';
import { OverviewPage } from './pages/overview-page';
import { QuarantinePage } from './pages/quarantine-page';
import { SignInPage } from './pages/sign-in-page';
import { TicketPage, TicketsPage } from './pages/tickets-page';
import { forgetToken, storedToken } from './token';

const NotFound = () => (
  <main id="content">
    <h1>No such page</h1>
    <p>
      The console has no page at this address. <a href="/console/">Go to the overview</a>.
    </p>
  </main>
);

const Header = ({ signedIn, onSignOut }: { signedIn: boolean; onSignOut: () => void }) => (
  <header class="top">
    <a class="skip" href="#content">
      Skip to content
    </a>
    <a class="brand" href="/console/">
      SkyLight console
    </a>
    <nav aria-label="Main">
      <a href="/console/">Overview</a>
      <a href="/console/contacts">Contacts</a>
      <a href="/console/bookings">Bookings</a>
      <a href="/console/tickets">Tickets</a>
      <a href="/console/quarantine">Quarantine</a>
      <a href="/docs" target="_blank" rel="noopener">
        API docs
      </a>
    </nav>
    {signedIn && (
      <button type="button" class="link" onClick={onSignOut}>
        Sign out
      </button>
    )}
  </header>
);

export const App = () => {
  const [needsToken, setNeedsToken] = useState(false);
  const [session, setSession] = useState(0);
  useEffect(() => onUnauthorized(() => setNeedsToken(true)), []);
  const signOut = () => {
    forgetToken();
    setNeedsToken(true);
  };
  return (
    <LocationProvider scope="/console">
      <Header signedIn={!needsToken && storedToken() !== undefined} onSignOut={signOut} />
      {needsToken ? (
        <SignInPage
          onSignedIn={() => {
            setNeedsToken(false);
            setSession((s) => s + 1);
          }}
        />
      ) : (
        <Router key={session}>
          <Route path="/console/" component={OverviewPage} />
          <Route path="/console/contacts" component={ContactsPage} />
          <Route path="/console/contacts/:id" component={ContactPage} />
          <Route path="/console/bookings" component={BookingsPage} />
          <Route path="/console/bookings/:id" component={BookingPage} />
          <Route path="/console/tickets" component={TicketsPage} />
          <Route path="/console/tickets/:id" component={TicketPage} />
          <Route path="/console/quarantine" component={QuarantinePage} />
          <Route default component={NotFound} />
        </Router>
      )}
    </LocationProvider>
  );
};
