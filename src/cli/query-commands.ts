import type { Command } from 'commander';
import { contactSummary } from '../read-model/contact-summary.js';
import { BookingListQuery, ContactListQuery, IdParams, TicketListQuery } from '../read-model/query-schemas.js';
import type { Either } from 'fp-ts/lib/Either.js';
import { isLeft } from 'fp-ts/lib/Either.js';
import { SORT_FIELDS } from '../read-model/list-sort.js';
import type { Page } from '../read-model/page.js';
import type { ListRefusal, ReadModelQueries } from '../read-model/read-model-queries.js';
import { argument, parameters, type Options } from './command-parameters.js';
import { printPage, printRecord } from './output.js';

/** Runs a query command against a caught-up read model and returns the exit code. */
type WithQueries = (run: (queries: ReadModelQueries) => Promise<number>) => Promise<void>;

const CONTACT_COLUMNS = ['id', 'name', 'email', 'phone', 'type', 'status', 'blacklisted', 'tags', 'updated_at', 'deleted_at'];
const BOOKING_COLUMNS = ['id', 'contact_id', 'title', 'status', 'starts_at', 'ends_at', 'anomalies'];
const TICKET_COLUMNS = ['id', 'contact_id', 'subject', 'status', 'priority', 'created_at'];

const paging = (command: Command, sorts: readonly string[]) =>
  command
    .option('--sort <field>', `order of the whole list: ${sorts.join(', ')}; -field descending`)
    .option('--limit <n>', 'rows per page (max 500)')
    .option('--cursor <cursor>', 'the next or previous page, from the previous output (with the same --sort)')
    .option('--json', 'JSON output');

/** A page, or exit code 1 and a line on stderr when the read model cannot give the sort yet (a rebuild brings it). */
const printed = (listed: Either<ListRefusal, Page<Record<string, unknown>>>, print: (page: Page<Record<string, unknown>>) => void): number => {
  if (isLeft(listed)) {
    process.stderr.write(`--sort ${listed.left.sort} comes with the rebuild of the read model under way; the default order answers meanwhile\n`);
    return 1;
  }
  print(listed.right);
  return 0;
};

/** `contact show --as-of / --at-revision`: the contact as it was, folded from the log rather than read from the read model. */
type ShowContactAsOf = (id: string, options: Options) => Promise<void>;

export const registerQueryCommands = (program: Command, withQueries: WithQueries, showContactAsOf: ShowContactAsOf): void => {
  registerContactCommands(program, withQueries, showContactAsOf);
  registerBookingCommands(program, withQueries);
  registerTicketCommands(program, withQueries);
};

/** One entity from the read model, handed to `print`; exit code 1 and a line on stderr when there is none. */
const showOne = async (
  queries: ReadModelQueries,
  { entity, projection }: { entity: string; projection: string },
  id: string,
  print: (found: Record<string, unknown>, key: string) => Promise<void> | void,
): Promise<number> => {
  const { id: key } = argument(IdParams, 'id', id);
  const found = await queries.view<Record<string, unknown>>(projection, key);
  if (found === undefined) {
    process.stderr.write(`no ${entity} ${key}\n`);
    return 1;
  }
  await print(found, key);
  return 0;
};

/** `contacts list`, and `contact show` with the contact's summary, or as it was (from the log). */
const registerContactCommands = (program: Command, withQueries: WithQueries, showContactAsOf: ShowContactAsOf): void => {
  const contacts = program.command('contacts').description('contacts in the read model');
  paging(
    contacts
      .command('list')
      .description('list contacts (deleted ones only with --include-deleted)')
      .option('--tag <tag>')
      .option('--status <status>')
      .option('--type <type>')
      .option('--blacklisted <true|false>')
      .option('--q <text>', 'substring of name, email or phone')
      .option('--include-deleted <true|false>'),
    SORT_FIELDS.contacts,
  ).action((options: Options) =>
    withQueries(async (queries) => {
      const { limit, cursor, sort, with_summary: _summary, min_position: _position, ...filters } = parameters(ContactListQuery, options);
      const listed = await queries.list<'contacts', Record<string, unknown>>('contacts', filters, { sort, cursor, limit });
      return printed(listed, (page) => printPage(page, CONTACT_COLUMNS, options['json'] === true));
    }),
  );

  program
    .command('contact')
    .description('one contact')
    .command('show')
    .description("the contact in the read model, with its summary; with --as-of or --at-revision, as it was then (from the log)")
    .argument('<id>', "the contact's id")
    .option('--as-of <iso>', 'as it was at this business time (read from the log)')
    .option('--at-revision <n>', "as it was after this revision of the contact's stream (read from the log)")
    .option('--json', 'JSON output')
    .action((id: string, options: Options) =>
      options['asOf'] !== undefined || options['atRevision'] !== undefined
        ? showContactAsOf(id, options)
        : withQueries((queries) =>
            showOne(queries, { entity: 'contact', projection: 'contacts' }, id, async (contact, key) => {
              const summary = await contactSummary(queries, key, contact['id'] as string | number);
              printRecord(options['json'] === true ? { ...contact, summary } : { ...contact, ...summaryFields(summary) }, options['json'] === true);
            }),
          ),
    );
};

const registerBookingCommands = (program: Command, withQueries: WithQueries): void => {
  const bookings = program.command('bookings').description('bookings in the read model');
  paging(
    bookings
      .command('list')
      .option('--status <status>', 'pending | confirmed | cancelled | completed')
      .option('--contact-id <id>')
      .option('--from <iso>', 'starts at or after')
      .option('--to <iso>', 'starts at or before'),
    SORT_FIELDS.bookings,
  ).action((options: Options) =>
    withQueries(async (queries) => {
      const { limit, cursor, sort, from, to, min_position: _position, ...filters } = parameters(BookingListQuery, options);
      const listed = await queries.list<'bookings', Record<string, unknown>>('bookings', { ...filters, from_us: from, to_us: to }, { sort, cursor, limit });
      return printed(listed, (page) => {
        const rows = page.items.map((b) => ({ ...b, anomalies: (b['anomalies'] as unknown[]).length || '' }));
        printPage(page, BOOKING_COLUMNS, options['json'] === true, rows);
      });
    }),
  );

  showCommand(program, withQueries, { entity: 'booking', projection: 'bookings' });
};

const registerTicketCommands = (program: Command, withQueries: WithQueries): void => {
  const tickets = program.command('tickets').description('tickets in the read model');
  paging(tickets.command('list').option('--status <status>').option('--priority <priority>').option('--contact-id <id>'), SORT_FIELDS.tickets).action(
    (options: Options) =>
      withQueries(async (queries) => {
        const { limit, cursor, sort, min_position: _position, ...filters } = parameters(TicketListQuery, options);
        const listed = await queries.list<'tickets', Record<string, unknown>>('tickets', filters, { sort, cursor, limit });
        return printed(listed, (page) => printPage(page, TICKET_COLUMNS, options['json'] === true));
      }),
  );

  showCommand(program, withQueries, { entity: 'ticket', projection: 'tickets' });
};

/** `booking show ID`, `ticket show ID`: one entity from the read model. */
const showCommand = (program: Command, withQueries: WithQueries, shown: { entity: string; projection: string }) =>
  program
    .command(shown.entity)
    .description(`one ${shown.entity}`)
    .command('show')
    .description(`the ${shown.entity} in the read model`)
    .argument('<id>', `the ${shown.entity}'s id`)
    .option('--json', 'JSON output')
    .action((id: string, options: Options) => withQueries((queries) => showOne(queries, shown, id, (found) => printRecord(found, options['json'] === true))));

const summaryFields = (summary: Awaited<ReturnType<typeof contactSummary>>) => ({
  bookings: Object.entries(summary.bookings)
    .map(([status, n]) => `${status}: ${n}`)
    .join(', '),
  open_tickets: summary.open_tickets,
  messages: summary.messages,
  last_activity_at: summary.last_activity_at,
});
