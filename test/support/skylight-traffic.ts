/**
 * A deterministic, seeded stream of SkyLight deliveries shaped like real traffic: contacts created, updated and
 * sometimes deleted (some never created: they predate the webhook), conversations, bookings that are rescheduled,
 * cancelled or completed (a few both, as a provider glitch would), tickets; mostly nested format, some flat. The
 * deliveries come out shuffled, with provider retries (same content, new delivery id), as the provider delivers.
 * Used by the end-to-end tests and by `npm run bench`.
 */
export type TrafficDelivery = { event: string; delivery_id: string; timestamp: string | number; data: Record<string, unknown> };

export type TrafficOptions = {
  readonly seed: number;
  readonly contacts: number;
  /** Share of deliveries sent again as a retry, 0..1. */
  readonly retryRate?: number;
  /** Shuffle window: how far a delivery may move from its place (Infinity: any order). */
  readonly disorder?: number;
};

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const BASE_US = Date.UTC(2026, 2, 1) * 1000;
const iso = (micros: number): string => `${new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19)}.${String(micros % 1_000_000).padStart(6, '0')}Z`;

const uuid = (random: () => number): string => {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

const NAMES = ['Sarah Johnson', 'Omar Haddad', 'Li Wei', 'Ana Souza', 'Jonas Berg', 'Priya Nair', 'Tom Okafor', 'Eva Novak'];
const CHANNELS = ['whatsapp', 'sms', 'email', 'instagram'];
const TAGS = ['vip', 'lead', 'churn-risk', 'wholesale'];

/** The deliveries of one contact's life, in business-time order. */
const contactHistory = (random: () => number, id: number): TrafficDelivery[] => {
  const out: TrafficDelivery[] = [];
  let clock = BASE_US + Math.floor(random() * 20 * 86_400) * 1_000_000 + Math.floor(random() * 1_000_000);
  const tick = () => (clock += 1_000_000 + Math.floor(random() * 3_600_000_000));
  const envelope = (event: string, data: Record<string, unknown>, at: number): TrafficDelivery => ({
    event,
    delivery_id: uuid(random),
    timestamp: iso(at + 150_000),
    data,
  });
  const name = `${NAMES[id % NAMES.length]} ${id}`;
  const phone = `+1415555${String(id).padStart(4, '0')}`;
  const channel = CHANNELS[id % CHANNELS.length] ?? 'whatsapp';
  const flat = random() < 0.15;
  const known = random() < 0.9;
  if (known) {
    const at = clock;
    const contact = { id, name, email: `c${id}@example.com`, phone, type: channel, status: 'active', created_at: iso(at) };
    out.push(
      flat
        ? { event: 'contact.created', delivery_id: uuid(random), timestamp: Math.floor(at / 1_000_000), data: { ...contact, is_blacklist: 0, source: 'api', company: null } }
        : envelope('contact.created', { contact: { ...contact, blacklisted: false, tags: [] } }, at),
    );
  }
  const updates = Math.floor(random() * 3);
  for (let u = 0; u < updates; u++) {
    const at = tick();
    const change = random() < 0.5 ? { tags: [TAGS[Math.floor(random() * TAGS.length)]] } : { name: `${name} (${u + 1})` };
    out.push(envelope('contact.updated', { contact: { id, ...change, ...(random() < 0.1 ? { blacklisted: true } : {}), updated_at: iso(at) } }, at));
  }
  const messages = Math.floor(random() * 5);
  for (let m = 0; m < messages; m++) {
    const at = tick();
    const inbound = random() < 0.55;
    const messageId = id * 100 + m;
    out.push(
      flat && inbound
        ? {
            event: 'message.received',
            delivery_id: uuid(random),
            timestamp: Math.floor(at / 1_000_000),
            data: { id: messageId, contact_id: id, value: `message ${m}`, message_type: 'text', message_by: 'contact', status: 'received', source: channel, created_at: iso(at) },
          }
        : envelope(
            inbound ? 'message.received' : 'message.sent',
            {
              message: { id: messageId, direction: inbound ? 'inbound' : 'outbound', channel, content: `message ${m}`, status: inbound ? 'received' : 'sent', sent_at: iso(at) },
              contact: { id, name, phone, type: channel },
            },
            at,
          ),
    );
  }
  const bookings = Math.floor(random() * 3);
  for (let b = 0; b < bookings; b++) {
    const bookingId = id * 10 + b;
    const created = tick();
    const startsAt = created + 7 * 86_400_000_000;
    out.push(
      envelope(
        'booking.created',
        {
          booking: { id: bookingId, title: `Consultation – ${name}`, status: 'confirmed', starts_at: iso(startsAt), ends_at: iso(startsAt + 3_600_000_000), notes: null, created_at: iso(created) },
          contact: { id, name, phone },
        },
        created,
      ),
    );
    if (random() < 0.3) {
      const at = tick();
      out.push(envelope('booking.updated', { booking: { id: bookingId, starts_at: iso(startsAt + 86_400_000_000), ends_at: iso(startsAt + 90_000_000_000), updated_at: iso(at) }, contact: { id, name } }, at));
    }
    const ending = random();
    if (ending < 0.6) {
      const at = tick();
      const cancelled = ending < 0.3;
      out.push(
        envelope(
          cancelled ? 'booking.cancelled' : 'booking.completed',
          { booking: { id: bookingId, status: cancelled ? 'cancelled' : 'completed', [cancelled ? 'cancelled_at' : 'completed_at']: iso(at) }, contact: { id, name } },
          at,
        ),
      );
      if (random() < 0.05) {
        const later = tick();
        out.push(envelope(cancelled ? 'booking.completed' : 'booking.cancelled', { booking: { id: bookingId, status: cancelled ? 'completed' : 'cancelled', [cancelled ? 'completed_at' : 'cancelled_at']: iso(later) }, contact: { id, name } }, later));
      }
    }
  }
  if (random() < 0.3) {
    const at = tick();
    out.push(
      envelope(
        'ticket.created',
        { ticket: { id: id * 10, subject: `Question from ${name}`, status: random() < 0.7 ? 'open' : 'closed', priority: random() < 0.2 ? 'high' : 'normal', created_at: iso(at) }, contact: { id, name } },
        at,
      ),
    );
  }
  if (random() < 0.1) {
    const at = tick();
    out.push(envelope('contact.deleted', { contact: { id, name, deleted_at: iso(at) } }, at));
  }
  return out;
};

/** Every delivery of the traffic, in arrival order: shuffled within the disorder window, retries included. */
export const skylightTraffic = (options: TrafficOptions): TrafficDelivery[] => {
  const random = seededRandom(options.seed);
  const retryRate = options.retryRate ?? 0.2;
  const disorder = options.disorder ?? Number.POSITIVE_INFINITY;
  const original = Array.from({ length: options.contacts }, (_, i) => contactHistory(random, i + 1)).flat();
  const withRetries = original.flatMap((delivery) =>
    random() < retryRate ? [delivery, { ...delivery, delivery_id: uuid(random) }] : [delivery],
  );
  // Decorate-sort: each delivery moves up to `disorder` places, so arrival is out of order but not arbitrary.
  return withRetries
    .map((delivery, index) => ({ delivery, at: index + random() * Math.min(disorder, withRetries.length) }))
    .sort((a, b) => a.at - b.at)
    .map(({ delivery }) => delivery);
};
