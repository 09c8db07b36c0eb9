/** Labels people read where the API has field names; any other field is its name in words. */
const LABELS: Readonly<Record<string, string>> = {
  id: 'Id',
  contact_id: 'Contact',
  created_at: 'Created',
  updated_at: 'Last updated',
  deleted_at: 'Deleted',
  starts_at: 'Starts',
  ends_at: 'Ends',
  cancelled_at: 'Cancelled',
  completed_at: 'Completed',
  occurred_at: 'Happened',
  received_at: 'Received',
  sent_at: 'Sent',
  is_blacklist: 'Blacklisted',
  extra_fields_left_out: 'Extra fields left out',
};

/** `booking_type_id` → "Booking type id": the API's snake_case as a label. */
export const fieldLabel = (field: string): string => {
  const known = LABELS[field];
  if (known !== undefined) return known;
  const words = field.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Fields that hold instants: shown as local times, the stored value on hover. */
export const isTimeField = (field: string): boolean => field.endsWith('_at');
