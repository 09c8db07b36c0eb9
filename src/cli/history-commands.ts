import type { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { AuditEntry } from '../../projections/contact-audit.js';
import { contactAsOf } from '../history/as-of-views.js';
import { auditCsv } from '../history/audit-csv.js';
import { contactAuditTrail } from '../history/contact-audit-trail.js';
import { AuditQuery } from '../history/history-queries.js';
import { IdParams, LookupQuery } from '../read-model/query-schemas.js';
import { describeEventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import { auditTimeline } from './audit-timeline.js';
import { argument, parameters, type Options } from './command-parameters.js';
import { printRecord } from './output.js';

/** Runs a command over the event store and returns its exit code. */
export type WithStore = (run: (store: EventStore) => Promise<number>) => Promise<void>;

const CliAuditQuery = AuditQuery.extend({ format: z.enum(['table', 'json', 'csv']).default('table') });

/** `contact show ID --as-of ISO | --at-revision N`: folded from the contact's stream, like GET /contacts/{id}?as_of=. */
export const showContactAsOf = async (store: EventStore, id: string, options: Options): Promise<number> => {
  const { id: key } = argument(IdParams, 'id', id);
  const point = parameters(LookupQuery, options);
  const contact = await contactAsOf(store, key, point);
  if (E.isLeft(contact)) throw new Error(describeEventStoreError(contact.left));
  if (contact.right.kind === 'no_such_revision') {
    process.stderr.write(`contact ${key} has no revision ${point.at_revision} (its last is ${contact.right.lastRevision})\n`);
    return 1;
  }
  if (contact.right.kind === 'unknown') {
    process.stderr.write(`no contact ${key} at that point\n`);
    return 1;
  }
  printRecord(contact.right.view, options['json'] === true);
  return 0;
};

export const registerHistoryCommands = (program: Command, withStore: WithStore): void => {
  const contact = program.commands.find((command) => command.name() === 'contact') ?? program.command('contact').description('one contact');
  contact
    .command('audit')
    .description("the contact's audit trail from the log: per event, in business-time order, the fields it changed")
    .argument('<id>')
    .option('--format <format>', 'table (a timeline) | json | csv', 'table')
    .option('--raw', "csv: exact values, without the leading ' that keeps spreadsheets from running a cell as a formula")
    .option('--from <iso>', 'entries that occurred at or after this instant')
    .option('--to <iso>', 'entries that occurred at or before this instant')
    .action((id: string, options: Options) =>
      withStore(async (store) => {
        const { id: key } = argument(IdParams, 'id', id);
        const { from, to, format, raw } = parameters(CliAuditQuery, options);
        const trail = await contactAuditTrail(store, key, { from, to });
        if (E.isLeft(trail)) throw new Error(describeEventStoreError(trail.left));
        if (trail.right === undefined) {
          process.stderr.write(`no contact ${key} in the log\n`);
          return 1;
        }
        const entries: AuditEntry[] = [];
        for await (const entry of trail.right.entries) {
          if (E.isLeft(entry)) throw new Error(describeEventStoreError(entry.left));
          entries.push(entry.right);
        }
        if (format === 'json') process.stdout.write(`${JSON.stringify({ contact_id: trail.right.contact_id, entries })}\n`);
        else process.stdout.write(format === 'csv' ? auditCsv(entries, { raw }) : auditTimeline(entries, process.stdout.isTTY));
        return 0;
      }),
    );
};
