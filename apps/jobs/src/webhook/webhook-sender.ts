import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { request as httpRequest, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { WebhookAttemptResult } from './webhook-retry';
import { WebhookTargetPolicy } from './webhook-target-policy';

export interface WebhookResponse {
  result: WebhookAttemptResult;
  /** Why it was not delivered; empty when it was. */
  error: string;
}

class TargetRefused extends Error {}

/**
 * POSTs one delivery. Only a 2xx counts: a redirect is not followed (the body is signed for this
 * URL), and a receiver that does not answer within `timeoutMs` has failed. The address the request
 * connects to is the one the policy judged (checked inside the connection's own DNS lookup), so a
 * name that resolves to an internal address, even only on the second lookup, is refused.
 */
export function postWebhook(url: string, body: string, headers: Record<string, string>, timeoutMs: number, policy: WebhookTargetPolicy): Promise<WebhookResponse> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    // Validated at submission, but by another parser: one this one cannot read never will be.
    return Promise.resolve({ result: 'refused', error: 'refused: the URL cannot be parsed' });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.resolve({ result: 'refused', error: `refused: ${target.protocol} is not http or https` });
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const literalRefusal = isIP(host) ? policy.refusal(host) : undefined;
  if (literalRefusal) return Promise.resolve({ result: 'refused', error: `refused: ${literalRefusal}` });

  const options: RequestOptions = {
    method: 'POST',
    headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    lookup: guardedLookup(policy),
    signal: AbortSignal.timeout(timeoutMs),
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let request: ReturnType<typeof send>;
    try {
      request = send(target, options, (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        resolve(status >= 200 && status < 300 ? { result: 'delivered', error: '' } : { result: 'failed', error: `HTTP ${status}` });
      });
    } catch (e) {
      return resolve({ result: 'refused', error: `refused: ${(e as Error).message}` });
    }
    request.on('error', (e: Error) => {
      if (e instanceof TargetRefused) resolve({ result: 'refused', error: `refused: ${e.message}` });
      else if (e.name === 'AbortError') resolve({ result: 'failed', error: `no answer within ${timeoutMs} ms` });
      else resolve({ result: 'failed', error: e.message });
    });
    request.end(body);
  });
}

/** A DNS lookup that fails the connection when any address of the name is one the policy refuses. */
function guardedLookup(policy: WebhookTargetPolicy): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const refusal = addresses.map(({ address }) => policy.refusal(address)).find((why) => why !== undefined);
      if (refusal) return callback(new TargetRefused(`${hostname}: ${refusal}`), '');
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
