/** API versions this server speaks, as clients send them in `X-API-Version`. */
export const SUPPORTED_API_VERSIONS = ['1'] as const;

export const API_VERSION_HEADER = 'x-api-version';

/** An absent header means "the current version"; a present one must be a version we speak. */
export function isSupportedApiVersion(header: string | string[] | undefined): boolean {
  if (header === undefined) return true;
  const value = Array.isArray(header) ? header[0] : header;
  return (SUPPORTED_API_VERSIONS as readonly string[]).includes(value.trim());
}

/** The `Upgrade` header of a 426: the protocol versions a client may switch to. */
export const API_UPGRADE_HEADER_VALUE = SUPPORTED_API_VERSIONS.map((v) => `proctor-api/${v}`).join(', ');
