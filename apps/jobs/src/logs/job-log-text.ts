/**
 * Output as Postgres `text` can hold it: a NUL character is not allowed there, and one in a
 * program's output must not make its whole batch fail. It becomes U+FFFD, as undecodable bytes do.
 */
export function storableLogText(data: string): string {
  return data.includes('\u0000') ? data.replaceAll('\u0000', '\uFFFD') : data;
}
