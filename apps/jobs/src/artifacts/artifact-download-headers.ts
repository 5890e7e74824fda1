/** Types a browser or CI tool opens as what they are; anything else is bytes. */
const CONTENT_TYPES: Record<string, string> = {
  xml: 'application/xml',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  log: 'text/plain; charset=utf-8',
};

export function artifactContentType(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return (dot > 0 && CONTENT_TYPES[name.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}

/**
 * Saved under its own file name, never rendered inline: an artifact is the job's output, and
 * XML or HTML opened from this origin could run script. The plain `filename` keeps to safe ASCII;
 * `filename*` carries the exact name (RFC 6266).
 */
export function artifactContentDisposition(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1) || 'artifact';
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
