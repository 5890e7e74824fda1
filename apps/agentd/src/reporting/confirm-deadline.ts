/**
 * A publish that the broker has not confirmed within `timeoutMs` counts as failed: the caller
 * retries it (a confirm that comes late only makes a duplicate, which consumers recognise by id).
 */
export async function withConfirmDeadline(published: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no confirm from the broker within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([published, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
