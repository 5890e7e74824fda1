/**
 * Why a path would not stay inside a job's workspace, or would not mean the same thing to every
 * extractor. One rule for the jobs service (refusing an archive at submission) and for the agent
 * daemon (refusing to write an entry while extracting), so that what one accepts the other does.
 */
export type WorkspacePathProblem = 'empty' | 'too_long' | 'control_character' | 'backslash' | 'absolute' | 'drive_letter' | 'parent_segment';

/** Longer names than this are not source trees anyone means to submit. */
export const MAX_WORKSPACE_PATH_LENGTH = 1024;

/**
 * Null for a relative path that stays inside the workspace (`src/app.ts`, `reports/`, `./a`), else
 * the first problem found. Backslashes are refused rather than read as separators: Windows tools
 * write them, and `a\..\..\x` would be one harmless name to one extractor and an escape to another.
 * Directory entries end with `/`, which is allowed.
 */
export function workspacePathProblem(path: string): WorkspacePathProblem | null {
  if (path.length === 0) return 'empty';
  if (path.length > MAX_WORKSPACE_PATH_LENGTH) return 'too_long';
  // NUL ends a name in C: `a\0../../x` is `a` to one reader and an escape to another.
  if (hasControlCharacter(path)) return 'control_character';
  if (path.includes('\\')) return 'backslash';
  if (path.startsWith('/')) return 'absolute';
  if (/^[A-Za-z]:/.test(path)) return 'drive_letter';
  if (path.split('/').includes('..')) return 'parent_segment';
  return null;
}

function hasControlCharacter(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
