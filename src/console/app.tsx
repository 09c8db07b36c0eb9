import { useEffect, useState } from 'preact/hooks';
import { LocationProvider, Route, Router } from 'preact-iso';
import { onUnauthorized } from './api';
import { Header } from './components/header';
import { BookingPage, BookingsPage } from './pages/bookings-page';
import { ContactPage } from './pages/contact-page';
import { ContactsPage } from './pages/contacts-page';
import { DeliveriesPage, DeliveryPage } from './pages/deliveries-page';
import { OverviewPage } from './pages/overview-page';
import { QuarantinePage } from './pages/quarantine-page';
import { SignInPage } from './pages/sign-in-page';
import { TicketPage, TicketsPage } from './pages/tickets-page';
import { joinSession, signOut, storedToken } from './token';
import { useTitle } from './use-title';

const NotFound = () => {
  useTitle('No such page');
  return (
    <main id="content">
      <h1>No such page</h1>
      <p>
        The console has no page at this address. <a href="/console/">Go to the overview</a>.
      </p>
    </main>
  );
};

export const App = () => {
  const [needsToken, setNeedsToken] = useState(false);
  const [session, setSession] = useState(0);
  const signedIn = () => {
    setNeedsToken(false);
    setSession((s) => s + 1);
  };
  useEffect(() => onUnauthorized(() => setNeedsToken(true)), []);
  // Another tab's sign-in or sign-out is this tab's too.
  useEffect(() => joinSession((yes) => (yes ? signedIn() : setNeedsToken(true))), []);
  return (
    <LocationProvider scope="/console">
      <Header
        signedIn={!needsToken && storedToken() !== undefined}
        onSignOut={() => {
          signOut();
          setNeedsToken(true);
        }}
      />
      {needsToken ? (
        <SignInPage onSignedIn={signedIn} />
      ) : (
        <Router key={session}>
          <Route path="/console/" component={OverviewPage} />
          <Route path="/console/contacts" component={ContactsPage} />
          <Route path="/console/contacts/:id" component={ContactPage} />
          <Route path="/console/bookings" component={BookingsPage} />
          <Route path="/console/bookings/:id" component={BookingPage} />
          <Route path="/console/tickets" component={TicketsPage} />
          <Route path="/console/tickets/:id" component={TicketPage} />
          <Route path="/console/deliveries" component={DeliveriesPage} />
          <Route path="/console/deliveries/:id" component={DeliveryPage} />
          <Route path="/console/quarantine" component={QuarantinePage} />
          <Route default component={NotFound} />
        </Router>
      )}
    </LocationProvider>
  );
};
