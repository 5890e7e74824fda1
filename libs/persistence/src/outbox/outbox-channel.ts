/** The Postgres NOTIFY channel that wakes a schema's outbox relay as soon as an event commits. */
export function outboxChannel(schema: string): string {
  return `proctor_outbox_${schema}`;
}
