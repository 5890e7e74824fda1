export type WebhookResponse = { ok: true } | { ok: false; error: string };

/**
 * POSTs one delivery. Only a 2xx counts: a redirect is not followed (the body is signed for this
 * URL), and a receiver that does not answer within `timeoutMs` has failed.
 */
export async function postWebhook(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<WebhookResponse> {
  try {
    const response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status >= 200 && response.status < 300 ? { ok: true } : { ok: false, error: `HTTP ${response.status}` };
  } catch (e) {
    const error = e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    return { ok: false, error };
  }
}
